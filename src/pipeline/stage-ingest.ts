import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { LineCounts } from '../core/types.ts';
import { isNonPublic } from '../core/ip.ts';
import { ingestFiles, type FileCheckpoint } from '../ingest/ingest-files.ts';
import { createHitWriter } from './store-hits.ts';

export interface IngestStageResult {
  counts: LineCounts;
  /** Actors that got at least one new request this run. */
  actors: Set<string>;
}

/**
 * New lines of every file, stored with their checkpoints in ONE transaction: a run that dies half
 * way leaves neither hits nor advanced checkpoints behind, so the next run starts from the last
 * committed state.
 */
export async function ingestStage(db: Db, cfg: Config, paths: string[], runId: number, now: number): Promise<IngestStageResult> {
  const known = new Map<string, FileCheckpoint>();
  for (const r of db.prepare(`SELECT fingerprint, path, offset, lines FROM files`).all() as FileCheckpoint[]) known.set(r.fingerprint, r);
  const writer = createHitWriter(db, runId, { ipv6Prefix: cfg.ipv6Prefix, redact: { hosts: cfg.redact.hosts.map((h) => h.toLowerCase()) } });
  let nonPublic = 0;
  db.exec('BEGIN');
  try {
    const result = await ingestFiles(paths, {
      format: cfg.format, jsonFields: cfg.jsonFields, maxLineBytes: cfg.maxLineBytes, known,
      trustedProxies: cfg.trustedProxies, cdnRanges: cfg.cdnRanges,
    }, (hit) => {
      if (!cfg.scorePrivate && isNonPublic(hit.ip)) { nonPublic++; return; }
      writer.write(hit);
    });
    const upsert = db.prepare(`INSERT INTO files(fingerprint, path, offset, lines, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(fingerprint) DO UPDATE SET path=excluded.path, offset=excluded.offset, lines=excluded.lines, updated_at=excluded.updated_at`);
    for (const c of result.checkpoints) upsert.run(c.fingerprint, c.path, c.offset, c.lines, now);
    writer.flushDays();
    db.exec('COMMIT');
    if (nonPublic) moveToSkipped(result.counts, 'non-public-client', nonPublic);
    return { counts: result.counts, actors: writer.actors };
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** Lines older than the scoring window are accounted for under their own reason, not stored. */
export function dropOutsideWindow(db: Db, runId: number, windowStart: number, counts: LineCounts): void {
  db.prepare(`UPDATE actor_days SET requests = requests - (
      SELECT count(*) FROM hits h WHERE h.run_id = ? AND h.ts < ? AND h.actor = actor_days.actor
        AND strftime('%Y-%m-%d', h.ts / 1000, 'unixepoch') = actor_days.day)
    WHERE actor IN (SELECT actor FROM hits WHERE run_id = ? AND ts < ?)`).run(runId, windowStart, runId, windowStart);
  db.prepare(`DELETE FROM actor_days WHERE requests <= 0`).run();
  const stale = db.prepare(`DELETE FROM hits WHERE run_id = ? AND ts < ?`).run(runId, windowStart).changes;
  if (stale) moveToSkipped(counts, 'outside-window', stale);
}

function moveToSkipped(counts: LineCounts, reason: string, n: number): void {
  counts.parsed -= n;
  counts.skipped[reason] = (counts.skipped[reason] ?? 0) + n;
}
