import type { Db } from '../snapshot/working-copy.ts';
import type { Hit } from '../core/types.ts';
import { actorKeyOf } from '../core/ip.ts';
import { redactTarget, type RedactOptions } from '../core/redact.ts';

const DAY_MS = 86_400_000;

/** Inserts hits for one run; returns a function per hit and tracks the actors touched. */
export function createHitWriter(db: Db, runId: number, opts: { ipv6Prefix: number; redact: RedactOptions }) {
  const insert = db.prepare(`INSERT INTO hits
    (actor, ip, ts, method, target, path, protocol, status, bytes, referer, ua, host, tag, raw, bad_utf8, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const actors = new Set<string>();
  // per-day counts are kept apart from the hits, which are pruned by the retention stage
  const days = new Map<string, number>();
  const addDay = db.prepare(`INSERT INTO actor_days(actor, day, requests) VALUES (?, ?, ?)
    ON CONFLICT(actor, day) DO UPDATE SET requests = requests + excluded.requests`);
  let stored = 0;
  return {
    actors,
    get stored() { return stored; },
    /** Writes the per-day counts gathered so far; call once, inside the ingest transaction. */
    flushDays(): void {
      for (const [k, n] of days) {
        const tab = k.indexOf('\t');
        addDay.run(k.slice(0, tab), new Date(Number(k.slice(tab + 1)) * DAY_MS).toISOString().slice(0, 10), n);
      }
      days.clear();
    },
    write(h: Omit<Hit, 'id'>): void {
      const actor = actorKeyOf(h.ip, opts.ipv6Prefix);
      actors.add(actor);
      stored++;
      const key = `${actor}\t${Math.floor(h.ts / DAY_MS)}`;
      days.set(key, (days.get(key) ?? 0) + 1);
      insert.run(actor, h.ip, h.ts, h.method, h.target, redactTarget(h.target, opts.redact), h.protocol,
        h.status, h.bytes, h.referer, h.ua, h.host, h.tag, h.raw, h.badUtf8 ? 1 : 0, runId);
    },
  };
}

interface HitRow {
  id: number; ip: string; ts: number; method: string; target: string; protocol: string; status: number;
  bytes: number; referer: string; ua: string; host: string; tag: string | null; raw: string; bad_utf8: number;
}

/** The actor's requests inside the scoring window, oldest first, as detection sees them. */
export function loadActorHits(db: Db, actor: string, sinceTs: number): Hit[] {
  const rows = db.prepare(`SELECT id, ip, ts, method, target, protocol, status, bytes, referer, ua, host, tag, raw, bad_utf8
    FROM hits WHERE actor = ? AND ts >= ? ORDER BY ts, id`).all(actor, sinceTs) as HitRow[];
  return rows.map((r) => ({
    id: r.id, ip: r.ip, ts: r.ts, method: r.method, target: r.target, protocol: r.protocol, status: r.status,
    bytes: r.bytes, referer: r.referer, ua: r.ua, host: r.host, tag: r.tag as Hit['tag'], raw: r.raw, badUtf8: r.bad_utf8 === 1,
  }));
}
