import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { Hit } from '../core/types.ts';
import { actorKeyOf, ipFamily, slugOf } from '../core/ip.ts';
import { redactTarget } from '../core/redact.ts';
import { lineToHit, type FileCheckpoint } from '../ingest/ingest-files.ts';
import { readLinesAt } from '../ingest/read-lines-at.ts';
import type { ActorOutcome, ToStore } from '../detect/stream-detector.ts';
import { scoreSignatures, verdictOf } from '../score/score.ts';
import type { PackedDetection } from './detect-core.ts';

// Writes what a run's detection found into the working copy, in one transaction: every actor's
// state, the rows of actors worth a look (with their signatures, addresses and chart counts), the
// requests to store (read again from the logs at the places detection noted) and the deletion of
// stored requests nothing cites any more.

export interface WriteContext { runId: number; now: number; paths: readonly string[]; cfg: Config }

/** Returns how many actors the run touched. */
export async function writeDetection(db: Db, parts: readonly PackedDetection[], checkpoints: readonly FileCheckpoint[], ctx: WriteContext): Promise<number> {
  const store = parts.flatMap((p) => p.store);
  const hits = await readStored(store, ctx);
  const upState = db.prepare(`INSERT OR REPLACE INTO actor_state(key, requests, first_seen, last_seen, state) VALUES (?, ?, ?, ?, ?)`);
  const insHit = db.prepare(`INSERT OR REPLACE INTO hits
    (id, actor, ip, ts, method, target, path, protocol, status, bytes, referer, ua, host, tag, raw, bad_utf8, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const delHit = db.prepare(`DELETE FROM hits WHERE id = ?`);
  const upFile = db.prepare(`INSERT INTO files(fingerprint, path, offset, lines, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(fingerprint) DO UPDATE SET path=excluded.path, offset=excluded.offset, lines=excluded.lines, updated_at=excluded.updated_at`);
  const redact = { hosts: ctx.cfg.redact.hosts.map((h) => h.toLowerCase()) };
  let touched = 0;
  // a run may rewrite a million state rows: keep the pages it touches in memory until the commit
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -131072');
  db.transaction(() => {
    for (const c of checkpoints) upFile.run(c.fingerprint, c.path, c.offset, c.lines, ctx.now);
    for (const p of parts) {
      for (let i = 0; i < p.keys.length; i++) {
        upState.run(p.keys[i]!, p.nums[3 * i]!, p.nums[3 * i + 1]!, p.nums[3 * i + 2]!, p.bytes.subarray(p.offsets[i]!, p.offsets[i + 1]!));
      }
      touched += p.keys.length;
      for (const id of p.drop) delHit.run(id);
    }
    for (const h of hits) {
      insHit.run(h.id, actorKeyOf(h.ip, ctx.cfg.ipv6Prefix), h.ip, h.ts, h.method, h.target, redactTarget(h.target, redact), h.protocol,
        h.status, h.bytes, h.referer, h.ua, h.host, h.tag, h.raw, h.badUtf8 ? 1 : 0, ctx.runId);
    }
    writeOutcomes(db, parts.flatMap((p) => p.outcomes), ctx.now);
  })();
  db.pragma(`cache_size = ${cache}`);
  return touched;
}

/** The requests to store, read again from the logs and parsed as the run parsed them (id and time as detection saw them). */
async function readStored(store: readonly ToStore[], ctx: WriteContext): Promise<Hit[]> {
  if (store.length === 0) return [];
  const lines = await readLinesAt(ctx.paths, store.map((s) => s.loc), ctx.cfg.maxLineBytes);
  const parse = lineToHit(ctx.cfg);
  const out: Hit[] = [];
  for (const s of store) {
    const line = lines.get(s.loc);
    if (!line) continue;
    const h = parse(line.text);
    if (typeof h === 'string') continue;
    if (line.badUtf8) h.badUtf8 = true;
    out.push({ ...h, id: s.id, ts: s.ts });
  }
  return out;
}

/** Rows of the actors a signature fired for, that claim a crawler, or that already had a row. */
export function writeOutcomes(db: Db, outcomes: readonly ActorOutcome[], now: number): void {
  const delSigs = db.prepare(`DELETE FROM signatures WHERE actor = ?`);
  const insSig = db.prepare(`INSERT INTO signatures(actor, rule_id, family, label, title, description, points, severity, count, first_ts, last_ts, request_ids)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const upActor = db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, last_offence,
      published, crawler, updated_at, user_agents, activity)
    VALUES (@key, @slug, @family, @requests, @first, @last, 0, @raw, @raw, @verdict, @lastOffence, 0, @crawler, @now, @uas, @activity)
    ON CONFLICT(key) DO UPDATE SET requests=@requests, first_seen=@first, last_seen=@last, raw_score=@raw,
      peak_at=CASE WHEN @raw > 0 AND (@raw > peak_score OR peak_at IS NULL) THEN @lastOffence ELSE peak_at END,
      peak_score=max(peak_score, @raw), last_offence=@lastOffence, crawler=@crawler, updated_at=@now, user_agents=@uas, activity=@activity`);
  const setPeakAt = db.prepare(`UPDATE actors SET peak_at = last_offence WHERE key = ? AND peak_at IS NULL AND raw_score > 0`);
  const delIps = db.prepare(`DELETE FROM actor_ips WHERE actor = ?`);
  const insIp = db.prepare(`INSERT INTO actor_ips(actor, ip, requests, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`);
  for (const o of outcomes) {
    if (o.requests === 0) continue;
    const result = scoreSignatures(o.signatures);
    delSigs.run(o.key);
    for (const g of result.signatures) {
      insSig.run(o.key, g.ruleId, g.family, g.label, g.title, g.description, g.points, g.severity, g.count, g.firstTs, g.lastTs, JSON.stringify(g.requestIds));
    }
    const lastOffence = result.signatures.length ? Math.max(...result.signatures.map((g) => g.lastTs)) : null;
    upActor.run({
      key: o.key, slug: slugOf(o.key), family: ipFamily(o.key.split('/')[0]!), requests: o.requests, first: o.firstSeen, last: o.lastSeen,
      raw: result.score, verdict: verdictOf(result.score), lastOffence, crawler: o.crawler, now, uas: o.userAgents, activity: o.activity,
    });
    setPeakAt.run(o.key);
    delIps.run(o.key);
    for (const ip of o.ips) insIp.run(o.key, ip.ip, ip.requests, ip.firstSeen, ip.lastSeen);
  }
}
