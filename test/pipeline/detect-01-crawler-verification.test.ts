// ../shared/cases/detect-01: "A real search-engine crawler must not be pilloried because its check
// failed". The case's line, through two nightly runs against a real DNS server on 127.0.0.1:
//   night 1 — the reverse lookup of 192.0.2.66 times out: crawler claimed = Googlebot, verification
//             = unverified (never "fake"), no fake-crawler points, no public page;
//   night 2 — a later run decides. Three worlds: the PTR is in googlebot.com and resolves back
//             (verified → exempt), the PTR is someone else's (completed mismatch → fake crawler, the
//             claiming request is the evidence), the lookup fails again (still unverified).
// The address is a documentation address, so --score-private is on; it is never published either way.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { createDnsClient } from '../../src/dns/dns-client.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';

const LINE = '192.0.2.66 - - [03/Dec/2026:03:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"\n';
const PTR = 'PTR 66.2.0.192.in-addr.arpa';

let world: Record<string, Reply> = {};
let dns: LocalDns;
beforeAll(async () => {
  dns = await startLocalDns((name, type) => world[`${type} ${name}`] ?? { rcode: 3 });
});
afterAll(() => dns.close());

async function twoNights(second: Record<string, Reply>) {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-detect01-'));
  const log = join(dir, 'access.log');
  writeFileSync(log, LINE);
  const cfg = validateConfig({ logs: [log], db: join(dir, 'snap.sqlite'), out: join(dir, 'dist'), asOf: 'newest', scorePrivate: true, resolver: dns.resolver, dnsbl: { zones: [], timeoutMs: 300 } }, 'test');
  const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 300 });
  const read = () => {
    const db = new Database(cfg.db, { readonly: true });
    const actor = db.prepare(`SELECT crawler, crawler_check AS "check", published, raw_score AS score FROM actors WHERE key = '192.0.2.66'`).get();
    const sigs = db.prepare(`SELECT rule_id, points, request_ids FROM signatures WHERE actor = '192.0.2.66'`).all();
    db.close();
    return { actor, sigs };
  };
  world = { [PTR]: 'silent' };
  (await runNightly(cfg, { now: () => Date.UTC(2026, 11, 3, 4), log: () => {}, dns: client })).copy.publish();
  const first = read();
  world = second;
  (await runNightly(cfg, { now: () => Date.UTC(2026, 11, 4, 4), log: () => {}, dns: client })).copy.publish();
  return { first, second: read() };
}

describe('detect-01: a failed crawler check is not a fake crawler', () => {
  it('night 1: the reverse lookup times out → claimed Googlebot, unverified, no points, no page', async () => {
    const { first } = await twoNights({ [PTR]: 'silent' });
    expect(first.actor).toEqual({ crawler: 'Googlebot', check: 'unverified', published: 0, score: 0 });
    expect(first.sigs).toEqual([]);
  });

  it('night 2, PTR in googlebot.com resolving back: verified, exempt, still no points', async () => {
    const { second } = await twoNights({ [PTR]: { ptr: ['crawl-192-0-2-66.googlebot.com'] }, 'A crawl-192-0-2-66.googlebot.com': { a: ['192.0.2.66'] } });
    expect(second.actor).toEqual({ crawler: 'Googlebot', check: 'verified', published: 0, score: 0 });
    expect(second.sigs).toEqual([]);
  });

  it('night 2, a completed mismatch: fake crawler, 40 points, the claiming request as evidence', async () => {
    const { second } = await twoNights({ [PTR]: { ptr: ['host-66.example.net'] } });
    expect(second.actor).toEqual({ crawler: 'Googlebot', check: 'fake', published: 0, score: 40 });
    expect(second.sigs).toEqual([{ rule_id: 'fake-crawler', points: 40, request_ids: '[1]' }]);
  });

  it('night 2, the lookup fails again (SERVFAIL): still unverified, still no points', async () => {
    const { second } = await twoNights({ [PTR]: { rcode: 2 } });
    expect(second.actor).toEqual({ crawler: 'Googlebot', check: 'unverified', published: 0, score: 0 });
    expect(second.sigs).toEqual([]);
  });
});
