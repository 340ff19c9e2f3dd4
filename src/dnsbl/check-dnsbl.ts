import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { DnsblResult } from '../core/types.ts';
import { createDnsClient, type DnsClient, type DnsOutcome } from '../dns/dns-client.ts';
import { interpretAnswer, type Verdict } from './interpret-answer.ts';
import { dnsblQueryName } from './query-name.ts';
import { runLimited } from './run-limited.ts';
import { loadZones, selectZones, type Zone } from './zones.ts';

export { loadZones, selectZones, type Zone } from './zones.ts';
export { dnsblQueryName } from './query-name.ts';

export interface ZoneHealth { zone: string; ok: boolean; detail: string }
export interface DnsblOptions {
  resolver: string | null;
  zones: string[];
  timeoutMs: number;
  concurrency: number;
  /** Zone registry file (default data/dnsbl/zones.yaml). */
  zonesFile?: string;
  /** Clock for checkedAt (default Date.now). */
  now?: () => number;
}

const RETRIES = 1;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A query with one retry after a short backoff, only when the first attempt timed out. */
async function queryWithRetry(client: DnsClient, name: string, timeoutMs: number): Promise<DnsOutcome> {
  let outcome = await client.queryA(name);
  for (let attempt = 1; attempt <= RETRIES && 'error' in outcome && outcome.error === 'timeout'; attempt++) {
    await sleep(Math.min(250, Math.floor(timeoutMs / 4)) * attempt);
    outcome = await client.queryA(name);
  }
  return outcome;
}

/** RFC 5782 §5: 127.0.0.2 must be listed and 127.0.0.1 must not, or the zone's answers mean nothing. */
function judgeProbes(zone: Zone, listed: DnsOutcome, clean: DnsOutcome): ZoneHealth {
  const l = interpretAnswer(listed, zone);
  const c = interpretAnswer(clean, zone);
  if (l.status === 'error') return { zone: zone.zone, ok: false, detail: `test point 127.0.0.2: ${l.meaning}` };
  if (l.status !== 'listed') return { zone: zone.zone, ok: false, detail: 'test point 127.0.0.2 is not listed (zone empty or gone)' };
  if (c.status === 'listed') return { zone: zone.zone, ok: false, detail: 'test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)' };
  if (c.status === 'error') return { zone: zone.zone, ok: false, detail: `test point 127.0.0.1: ${c.meaning}` };
  return { zone: zone.zone, ok: true, detail: 'test points answer as RFC 5782 requires' };
}

/**
 * Check addresses against DNS blocklists. Every address gets one result per selected zone:
 * listed / not_listed / error / skipped. Zones failing their health probe, or breaking during the
 * run, turn every result of theirs into an error — never into "not listed".
 */
export async function checkDnsbl(
  ips: string[],
  opts: DnsblOptions,
  client?: DnsClient,
): Promise<{ results: Map<string, DnsblResult[]>; health: ZoneHealth[] }> {
  const zones = selectZones(opts.zones, loadZones(opts.zonesFile));
  const now = opts.now ?? Date.now;
  const dns = client ?? createDnsClient({ resolver: opts.resolver, timeoutMs: opts.timeoutMs });
  const limit = Math.max(1, opts.concurrency);

  // both test points of every zone go through the same bounded pool as the real queries
  const probes = await runLimited(
    zones.flatMap((z) => ['127.0.0.2', '127.0.0.1'].map((p) => () => queryWithRetry(dns, dnsblQueryName(p, z.zone), opts.timeoutMs))),
    limit,
  );
  const health = zones.map((z, i) => judgeProbes(z, probes[2 * i]!, probes[2 * i + 1]!));
  const broken = new Map<string, string>();
  for (const h of health) if (!h.ok) broken.set(h.zone, h.detail);

  type Slot = { ip: string; zone: Zone; result: DnsblResult };
  const slots: Slot[] = [];
  const tasks: (() => Promise<void>)[] = [];
  const results = new Map<string, DnsblResult[]>();

  for (const ip of ips) {
    const canonical = canonicalIp(ip);
    const list: DnsblResult[] = [];
    results.set(ip, list);
    for (const zone of zones) {
      const result: DnsblResult = { zone: zone.zone, status: 'error', meaning: '', codes: '', abuse: false, checkedAt: now() };
      list.push(result);
      if (!canonical) { result.meaning = 'not an address'; continue; }
      if (broken.has(zone.zone)) { result.meaning = `zone unavailable this run: ${broken.get(zone.zone)}`; continue; }
      if (ipFamily(canonical) === 6 && !zone.ipv6) {
        result.status = 'skipped';
        result.meaning = 'not applicable: the zone does not list IPv6 addresses';
        continue;
      }
      slots.push({ ip, zone, result });
      tasks.push(async () => {
        // a zone that broke while this query waited in line is not asked again
        if (broken.has(zone.zone)) return;
        const outcome = await queryWithRetry(dns, dnsblQueryName(canonical, zone.zone), opts.timeoutMs);
        const v = interpretAnswer(outcome, zone);
        applyVerdict(result, v, now());
        if (v.status === 'error' && v.breaksZone && !broken.has(zone.zone)) broken.set(zone.zone, v.meaning);
      });
    }
  }
  await runLimited(tasks, limit);

  for (const slot of slots) {
    const why = broken.get(slot.zone.zone);
    if (why === undefined) continue;
    Object.assign(slot.result, { status: 'error', meaning: `zone unavailable this run: ${why}`, abuse: false });
  }
  for (const h of health) {
    const why = broken.get(h.zone);
    if (h.ok && why !== undefined) Object.assign(h, { ok: false, detail: `broke during the run: ${why}` });
  }
  return { results, health };
}

function applyVerdict(result: DnsblResult, v: Verdict, at: number): void {
  result.status = v.status;
  result.meaning = v.meaning;
  result.codes = v.codes;
  result.abuse = v.status === 'listed' ? v.abuse : false;
  result.checkedAt = at;
}
