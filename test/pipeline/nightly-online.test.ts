// The whole nightly run with the network on: DNSBL zones on a real DNS server and RDAP on a real
// HTTP server, both on 127.0.0.1, over the bundled real logs. Checks that every stage of issue 5
// reaches the snapshot: listings, corroboration in the score, warnings, abuse contacts, Tor list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { runNightly, type NightlySummary } from '../../src/pipeline/nightly.ts';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { DEMO_CONFIG } from '../../src/cli/options.ts';
import { formatSummary } from '../../src/cli/format-summary.ts';
import type { Config } from '../../src/config/schema.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';
import { bootstrapFile, networkJson, startLocalRdap, type LocalRdap } from '../rdap/local-rdap-server.ts';

const ZEN = 'zen.spamhaus.org';
const DRONE = 'dnsbl.dronebl.org';
const SPAMCOP = 'bl.spamcop.net';
const BLDE = 'bl.blocklist.de';

function answer(name: string, type: string): Reply {
  if (type === 'PTR') return { rcode: 2 }; // crawler checks inconclusive, never held against anyone
  if (name.endsWith(SPAMCOP)) return { a: ['127.0.0.2'] }; // wildcard: must be found out by the probe
  if (name.endsWith(BLDE)) return 'silent';
  if (name === `2.0.0.127.${ZEN}` || name === `2.0.0.127.${DRONE}`) return { a: ['127.0.0.2'] };
  if (name === `144.34.250.195.${ZEN}`) return { a: ['127.0.0.4'] }; // XBL: abuse
  if (name === `144.34.250.195.${DRONE}`) return { a: ['127.0.0.13'] }; // brute force: abuse
  if (name === `25.75.236.91.${ZEN}`) return { a: ['127.0.0.11'] }; // PBL: policy, no points
  return { rcode: 3 };
}

let dns: LocalDns;
let rdap: LocalRdap;
let cfg: Config;
let summary: NightlySummary;
let db: Database.Database;
const logged: string[] = [];

beforeAll(async () => {
  dns = await startLocalDns(answer);
  rdap = await startLocalRdap((p) => {
    if (p === '/rdap/ip/195.250.34.144') return { json: networkJson('195.250.34.0', '195.250.34.255', 'abuse@it-hosting.example') };
    if (p === '/rdap/ip/144.76.194.187') return { json: networkJson('144.76.0.0', '144.76.255.255', 'abuse@hetzner.example') };
    return { status: 404 };
  });
  const dir = mkdtempSync(join(tmpdir(), 'pillory-online-'));
  const tor = join(dir, 'exits.txt');
  writeFileSync(tor, '91.236.75.25\n');
  const demo = loadConfigFile(DEMO_CONFIG);
  cfg = {
    ...demo, db: join(dir, 'snap.sqlite'), out: join(dir, 'dist'), offline: false, resolver: dns.resolver,
    geo: { ...demo.geo, torExitList: tor },
    dnsbl: { ...demo.dnsbl, zones: [ZEN, DRONE, SPAMCOP, BLDE], timeoutMs: 300 },
    rdap: { ...demo.rdap, bootstrapFile: bootstrapFile(rdap.base), timeoutMs: 1000 },
  };
  const run = await runNightly(cfg, { now: () => Date.UTC(2026, 11, 3), log: (l) => logged.push(l) });
  run.copy.publish();
  summary = run.summary;
  db = new Database(cfg.db, { readonly: true });
}, 120_000);
afterAll(async () => {
  db?.close();
  await dns?.close();
  await rdap?.close();
});

const actor = (key: string) => db.prepare(`SELECT score, raw_score, evidence_score, verdict, published, dnsbl_points, corroboration, dnsbl_reason,
  network_type, network_reason, abuse_email FROM actors WHERE key = ?`).get(key) as Record<string, unknown>;
const lists = (key: string) => db.prepare(`SELECT zone, status, meaning FROM dnsbl WHERE actor = ? ORDER BY zone`).all(key);

describe('nightly with DNSBLs and RDAP on 127.0.0.1 over the demo logs', () => {
  it('gives every published actor one outcome per zone; a wildcard or silent zone is an error, never "not listed"', () => {
    expect(summary.published).toBe(8);
    expect(summary.dnsbl).toEqual({ listed: 3, not_listed: 13, error: 16 });
    expect(lists('195.250.34.144')).toEqual([
      { zone: BLDE, status: 'error', meaning: 'zone unavailable this run: test point 127.0.0.2: timeout' },
      { zone: SPAMCOP, status: 'error', meaning: 'zone unavailable this run: test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)' },
      { zone: DRONE, status: 'listed', meaning: 'brute-force attacker' },
      { zone: ZEN, status: 'listed', meaning: 'XBL: exploited host (malware, botnet, open proxy)' },
    ]);
  });

  it('adds corroboration points for abuse listings to a published actor, none for PBL', () => {
    expect(actor('195.250.34.144')).toMatchObject({
      raw_score: 60, evidence_score: 60, score: 70, verdict: 'high', dnsbl_points: 10, corroboration: 10,
      dnsbl_reason: `listed for abuse by ${DRONE} (brute-force attacker), ${ZEN} (XBL: exploited host (malware, botnet, open proxy))`,
    });
    expect(actor('91.236.75.25')).toMatchObject({ score: 100, dnsbl_points: 0, corroboration: 0, dnsbl_reason: null });
    expect(lists('91.236.75.25')).toContainEqual({ zone: ZEN, status: 'listed', meaning: 'PBL: end-user range, Spamhaus policy (not an abuse listing)' });
  });

  it('warns about each zone unusable this run, in the log and in the summary', () => {
    expect(summary.warnings).toEqual([
      `DNSBL zone ${SPAMCOP} unusable this run: test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)`,
      `DNSBL zone ${BLDE} unusable this run: test point 127.0.0.2: timeout`,
    ]);
    expect(logged).toEqual(expect.arrayContaining(summary.warnings!));
    expect(formatSummary(summary)).toContain(`warning   DNSBL zone ${BLDE} unusable this run: test point 127.0.0.2: timeout`);
  });

  it('looks up abuse contacts per network over RDAP and attaches them; a 404 leaves none and the run goes on', () => {
    expect(actor('195.250.34.144').abuse_email).toBe('abuse@it-hosting.example');
    expect(actor('144.76.194.187').abuse_email).toBe('abuse@hetzner.example');
    expect(actor('199.168.96.66').abuse_email).toBeNull();
    expect(summary.abuse).toEqual({ found: 2, error: 6 });
    expect(formatSummary(summary)).toContain('abuse     error 6, found 2');
  });

  it('uses the configured Tor exit list for the network type', () => {
    expect(actor('91.236.75.25')).toMatchObject({ network_type: 'tor', network_reason: expect.stringMatching(/^91\.236\.75\.25 is a Tor exit relay \(in the Tor exit list of \d{4}-\d\d-\d\d/) });
  });

  it('records the zone policy the methodology page explains', () => {
    const policy = JSON.parse(db.prepare(`SELECT value FROM meta WHERE key = 'dnsbl_policy'`).pluck().get() as string);
    expect(policy).toEqual({ zones: [ZEN, DRONE, SPAMCOP, BLDE], pointsPerListing: 5, maxPoints: 10 });
  });
});
