import type { Config } from '../config/schema.ts';
import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { Db } from '../snapshot/working-copy.ts';
import { runLimited } from '../dnsbl/run-limited.ts';
import { loadBootstrap, type RdapBootstrap } from '../rdap/bootstrap.ts';
import { ipToBigInt } from '../rdap/ip-number.ts';
import { lookupIpNetwork } from '../rdap/rdap-client.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface AbuseStageDeps {
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  bootstrap?: RdapBootstrap;
  /** Wall clock for the run's budget (default Date.now). */
  clock?: () => number;
  /** Told when the registries stop answering and the rest of the lookups wait for the next run. */
  warn?: (line: string) => void;
}

/** Failed requests in a row (no answer, or no connection) after which a run stops asking. */
const UNREACHABLE_STREAK = 6;

interface AbuseRow {
  network: string; family: number; start_ip: string; end_ip: string; handle: string | null; name: string | null;
  email: string | null; server: string | null; status: 'ok' | 'no_contact' | 'error'; detail: string; fetched_at: number;
}

interface Span { row: AbuseRow; lo: bigint; hi: bigint }

function spanOf(row: AbuseRow): Span {
  return { row, lo: ipToBigInt(row.start_ip), hi: ipToBigInt(row.end_ip) };
}

/** The most specific cached network holding the address whose row passes `keep`. */
function containing(spans: readonly Span[], ip: string, keep: (r: AbuseRow) => boolean): AbuseRow | null {
  const fam = ipFamily(ip);
  const n = ipToBigInt(ip);
  let best: Span | null = null;
  for (const s of spans) {
    if (s.row.family !== fam || s.lo > n || s.hi < n || !keep(s.row)) continue;
    if (!best || s.hi - s.lo < best.hi - best.lo) best = s;
  }
  return best?.row ?? null;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The line a page shows under the contact: where it came from and when. */
export function abuseSourceText(r: AbuseRow): string {
  const who = r.name ?? r.handle;
  const range = r.start_ip === r.end_ip ? r.start_ip : `${r.start_ip} – ${r.end_ip}`;
  return `RDAP ${r.server ?? 'registry'}, network ${who ? `${who} ` : ''}${range}, fetched ${day(r.fetched_at)}`;
}

/**
 * Abuse contacts for published actors from RDAP, one lookup per registry network, cached in the
 * `abuse` table: answers for `rdap.ttlDays`, failures for `rdap.retryHours`. Offline, disabled or
 * failed → no new contact and the run goes on; cached contacts stay attached. Returns counts.
 */
export async function abuseStage(db: Db, cfg: Config, deps: AbuseStageDeps = {}): Promise<Record<string, number>> {
  const now = (deps.now ?? Date.now)();
  const spans: Span[] = (db.prepare(`SELECT * FROM abuse`).all() as AbuseRow[]).map(spanOf);
  const keys = db.prepare(`SELECT key FROM actors WHERE published = 1 ORDER BY key`).pluck().all() as string[];
  const ipOf = (key: string) => canonicalIp(key.split('/')[0]!)!;
  const fresh = (r: AbuseRow) => now - r.fetched_at < (r.status === 'error' ? cfg.rdap.retryHours * HOUR : cfg.rdap.ttlDays * DAY) && r.fetched_at <= now;
  const counts: Record<string, number> = {};
  const bump = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };

  const online = cfg.rdap.enabled && !cfg.offline && cfg.rdap.maxLookups > 0;
  const due = online ? keys.filter((k) => !containing(spans, ipOf(k), fresh)) : [];
  const todo = due.slice(0, cfg.rdap.maxLookups);
  const asked = new Set(todo);
  if (due.length > todo.length) counts.deferred = due.length - todo.length;
  if (todo.length) {
    const bootstrap = deps.bootstrap ?? loadBootstrap(cfg.rdap.bootstrapFile ?? undefined);
    const insert = db.prepare(`INSERT INTO abuse(network, family, start_ip, end_ip, handle, name, email, server, status, detail, fetched_at)
      VALUES (@network, @family, @start_ip, @end_ip, @handle, @name, @email, @server, @status, @detail, @fetched_at)
      ON CONFLICT(network) DO UPDATE SET handle=excluded.handle, name=excluded.name, email=excluded.email, server=excluded.server,
        status=excluded.status, detail=excluded.detail, fetched_at=excluded.fetched_at`);
    // an offline machine or a black-holed registry must not cost a deadline per address: after a
    // streak of unanswered requests, or past the run's budget, the rest waits for the next night
    const clock = deps.clock ?? Date.now;
    const started = clock();
    let streak = 0;
    let stopped: string | null = null;
    const lookup = async (key: string): Promise<void> => {
      const ip = ipOf(key);
      // a lookup that finished while this one waited may already cover this address
      if (containing(spans, ip, fresh)) { bump('cached'); return; }
      if (!stopped && clock() - started >= cfg.rdap.budgetSeconds * 1000) stopped = `the run's RDAP budget of ${cfg.rdap.budgetSeconds} s ran out`;
      if (stopped) { bump('deferred'); return; }
      const got = await lookupIpNetwork(ip, { bootstrap, timeoutMs: cfg.rdap.timeoutMs, fetch: deps.fetch });
      const unreachable = !got.ok && /^(no answer within|request failed)/.test(got.error);
      streak = unreachable ? streak + 1 : 0;
      if (streak >= UNREACHABLE_STREAK && !stopped) stopped = `${streak} requests in a row got no answer (last: ${got.ok ? '' : got.error})`;
      const row: AbuseRow = got.ok
        ? { network: `${got.network.start} - ${got.network.end}`, family: ipFamily(ip), start_ip: got.network.start, end_ip: got.network.end,
            handle: got.network.handle, name: got.network.name, email: got.network.email, server: got.server,
            status: got.network.email ? 'ok' : 'no_contact', detail: got.network.email ? '' : 'the registry names no abuse mailbox', fetched_at: now }
        : { network: `ip ${ip}`, family: ipFamily(ip), start_ip: ip, end_ip: ip, handle: null, name: null, email: null, server: got.server,
            status: 'error', detail: got.error, fetched_at: now };
      insert.run(row);
      const i = spans.findIndex((s) => s.row.network === row.network);
      if (i >= 0) spans[i] = spanOf(row); else spans.push(spanOf(row));
      bump(row.status === 'ok' ? 'found' : row.status);
    };
    // neighbours usually share a registry network: asked one after another, the first answer covers the rest
    const buckets = new Map<string, string[]>();
    for (const key of todo) {
      const ip = ipOf(key);
      const b = ipFamily(ip) === 4 ? ip.split('.').slice(0, 3).join('.') : ip.split(':').slice(0, 3).join(':');
      buckets.set(b, [...(buckets.get(b) ?? []), key]);
    }
    await runLimited([...buckets.values()].map((keys) => async () => {
      for (const key of keys) await lookup(key);
    }), cfg.rdap.concurrency);
    if (stopped) deps.warn?.(`RDAP abuse contacts: stopped asking this run, ${stopped}; the rest is asked next run`);
  }

  const up = db.prepare(`UPDATE actors SET abuse_email = ?, abuse_source = ?, abuse_network = ? WHERE key = ?`);
  db.transaction(() => {
    for (const key of keys) {
      const row = containing(spans, ipOf(key), (r) => r.status !== 'error');
      if (row?.email) up.run(row.email, abuseSourceText(row), row.network, key);
      else up.run(null, null, row?.network ?? null, key);
      if (!asked.has(key)) bump(row?.email ? 'cached' : 'none');
    }
  })();
  return counts;
}
