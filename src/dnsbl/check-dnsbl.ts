import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { DnsblResult } from '../core/types.ts';
import { createDnsClient, type DnsClient, type DnsOutcome } from '../dns/dns-client.ts';
import { interpretAnswer, type Verdict } from './interpret-answer.ts';
import { dnsblQueryName } from './query-name.ts';
import { runLimited, runLimitedByKey } from './run-limited.ts';
import { queryZoneOf } from './query-zone.ts';
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
  /** Only pairs for which this is true are queried and get a result (the rest are fresh in the cache). Default: all. */
  isDue?: (ip: string, zone: string) => boolean;
  /** Wall-clock budget for the address queries in ms; queries not started by then are "not checked". Default: none. */
  budgetMs?: number;
  /** A zone whose queries time out this many times (and at least half of its answers) is not asked again this run. Default 8. */
  breakerTimeouts?: number;
  /** Spamhaus Data Query Service key: Spamhaus zones are then queried under <key>.<list>.dq.spamhaus.net. */
  spamhausDqsKey?: string | null;
}

export interface DnsblRunStats {
  /** Address queries sent (retries not counted). */
  queries: number;
  /** Pairs left out because their cached result is still fresh. */
  fresh: number;
  /** Pairs not queried because their zone stopped answering or the budget ran out. */
  notChecked: number;
}

const RETRIES = 1;
const DEFAULT_BREAKER = 8;
// A zone that drops this share of first attempts (after enough queries to tell) is too unreliable
// to wait for: each drop costs two deadlines of a pool slot.
const FLAKY_SHARE = 0.25;
const FLAKY_MIN_QUERIES = 64;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const isTimeout = (o: DnsOutcome) => 'error' in o && o.error === 'timeout';

/** A query with one retry after a short backoff, only when the first attempt timed out and the zone still answers. */
async function queryWithRetry(client: DnsClient, name: string, timeoutMs: number, stillWanted: () => boolean = () => true,
  onFirstTimeout: () => void = () => {}): Promise<DnsOutcome> {
  let outcome = await client.queryA(name);
  if (isTimeout(outcome)) onFirstTimeout();
  for (let attempt = 1; attempt <= RETRIES && isTimeout(outcome) && stillWanted(); attempt++) {
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
  if (l.status !== 'listed') return { zone: zone.zone, ok: false, detail: 'test point 127.0.0.2 is not listed: the zone is empty or gone, or this resolver cannot reach it' };
  if (c.status === 'listed') return { zone: zone.zone, ok: false, detail: 'test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)' };
  if (c.status === 'error') return { zone: zone.zone, ok: false, detail: `test point 127.0.0.1: ${c.meaning}` };
  return { zone: zone.zone, ok: true, detail: 'test points answer as RFC 5782 requires' };
}

/** Health of each zone from its RFC 5782 test points, through the same bounded pool as real queries. */
export async function probeZones(zones: readonly Zone[], dns: DnsClient, opts: { timeoutMs: number; concurrency: number; spamhausDqsKey?: string | null }): Promise<ZoneHealth[]> {
  const probes = await runLimited(
    zones.flatMap((z) => ['127.0.0.2', '127.0.0.1'].map((p) => () => queryWithRetry(dns, dnsblQueryName(p, queryZoneOf(z, opts.spamhausDqsKey)), opts.timeoutMs))),
    Math.max(1, opts.concurrency),
  );
  return zones.map((z, i) => judgeProbes(z, probes[2 * i]!, probes[2 * i + 1]!));
}

/**
 * Check addresses against DNS blocklists. Every due (address, zone) pair gets one result:
 * listed / not_listed / error / skipped. Zones failing their health probe, or breaking during the
 * run, turn every result of theirs into an error — never into "not listed". A zone that keeps
 * timing out is no longer asked (its unsent pairs are errors), and a run-wide budget caps the
 * wall-clock time, so a night with dead zones still ends on time.
 */
export async function checkDnsbl(
  ips: string[],
  opts: DnsblOptions,
  client?: DnsClient,
): Promise<{ results: Map<string, DnsblResult[]>; health: ZoneHealth[]; stats: DnsblRunStats }> {
  const zones = selectZones(opts.zones, loadZones(opts.zonesFile));
  const now = opts.now ?? Date.now;
  const dns = client ?? createDnsClient({ resolver: opts.resolver, timeoutMs: opts.timeoutMs });
  const limit = Math.max(1, opts.concurrency);
  const isDue = opts.isDue ?? (() => true);
  const breakerAt = Math.max(1, opts.breakerTimeouts ?? DEFAULT_BREAKER);
  const stats: DnsblRunStats = { queries: 0, fresh: 0, notChecked: 0 };

  const health = await probeZones(zones, dns, { timeoutMs: opts.timeoutMs, concurrency: limit, spamhausDqsKey: opts.spamhausDqsKey });
  const broken = new Map<string, string>();
  for (const h of health) if (!h.ok) broken.set(h.zone, h.detail);
  // zones that stopped answering: their unsent queries are "not checked", answers already in stay valid
  const silent = new Map<string, string>();
  const tally = new Map<string, { timeouts: number; answered: number; sent: number; firstTimeouts: number }>(
    zones.map((z) => [z.zone, { timeouts: 0, answered: 0, sent: 0, firstTimeouts: 0 }]));
  const started = Date.now();
  const overBudget = () => opts.budgetMs !== undefined && Date.now() - started >= opts.budgetMs;

  type Slot = { ip: string; zone: Zone; result: DnsblResult };
  const slots: Slot[] = [];
  const tasks: { key: string; run: () => Promise<void> }[] = [];
  const results = new Map<string, DnsblResult[]>();

  for (const ip of ips) {
    const canonical = canonicalIp(ip);
    const list: DnsblResult[] = [];
    results.set(ip, list);
    for (const zone of zones) {
      if (!isDue(ip, zone.zone)) { stats.fresh++; continue; }
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
      tasks.push({ key: zone.zone, run: async () => {
        // a zone that broke or fell silent while this query waited in line is not asked again
        if (broken.has(zone.zone)) return;
        const why = silent.get(zone.zone) ?? (overBudget() ? 'the run\'s DNSBL time budget ran out' : undefined);
        if (why !== undefined) {
          stats.notChecked++;
          result.meaning = `not checked: ${why}`;
          return;
        }
        stats.queries++;
        const t = tally.get(zone.zone)!;
        t.sent++;
        const name = dnsblQueryName(canonical, queryZoneOf(zone, opts.spamhausDqsKey));
        const outcome = await queryWithRetry(dns, name, opts.timeoutMs, () => !silent.has(zone.zone) && !broken.has(zone.zone), () => { t.firstTimeouts++; });
        const v = interpretAnswer(outcome, zone);
        applyVerdict(result, v, now());
        if (isTimeout(outcome)) t.timeouts++;
        else t.answered++;
        if (!silent.has(zone.zone)) {
          if (t.timeouts >= breakerAt && t.timeouts >= t.answered) {
            silent.set(zone.zone, `zone stopped answering this run (${t.timeouts} queries timed out, ${t.answered} answered)`);
          } else if (t.sent >= FLAKY_MIN_QUERIES && t.firstTimeouts >= FLAKY_SHARE * t.sent) {
            silent.set(zone.zone, `zone too unreliable this run (${t.firstTimeouts} of ${t.sent} queries got no answer at first)`);
          }
        }
        if (v.status === 'error' && v.breaksZone && !broken.has(zone.zone)) broken.set(zone.zone, v.meaning);
      } });
    }
  }
  // each zone holds at most its share of the pool, so a slow zone cannot starve the others
  await runLimitedByKey(tasks, limit, Math.ceil(limit / Math.max(1, zones.length)));

  for (const slot of slots) {
    const why = broken.get(slot.zone.zone);
    if (why === undefined) continue;
    Object.assign(slot.result, { status: 'error', meaning: `zone unavailable this run: ${why}`, codes: slot.result.codes, abuse: false });
  }
  for (const h of health) {
    const why = broken.get(h.zone) ?? silent.get(h.zone);
    if (h.ok && why !== undefined) Object.assign(h, { ok: false, detail: `broke during the run: ${why}` });
  }
  return { results, health, stats };
}

function applyVerdict(result: DnsblResult, v: Verdict, at: number): void {
  result.status = v.status;
  result.meaning = v.meaning;
  result.codes = v.codes;
  result.abuse = v.status === 'listed' ? v.abuse : false;
  result.checkedAt = at;
}
