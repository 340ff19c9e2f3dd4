import { stat } from 'node:fs/promises';
import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { LineCounts } from '../core/types.ts';
import { lineToHit, type FileCheckpoint } from '../ingest/ingest-files.ts';
import { isGzip } from '../ingest/log-content.ts';
import { newestNearEnd } from '../ingest/newest-near-end.ts';
import { runDetection, threadCount, type DetectionRun } from './detect-threads.ts';
import { resolveAsOf } from './as-of.ts';

const DAY_MS = 86_400_000;

export interface IngestStageResult {
  counts: LineCounts;
  checkpoints: FileCheckpoint[];
  detection: DetectionRun;
  /** The run's first line id, and how many lines it numbered (the next run starts after them). */
  idBase: number;
  lines: number;
  /** Newest request time read by this run or an earlier one (null: none ever). */
  newest: number | null;
  threads: number;
}

/** Meta values the detector keeps between runs. */
export function metaNumber(db: Db, key: string): number | null {
  const v = db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck().get(key) as string | undefined;
  return v === undefined ? null : Number(v);
}

/**
 * Reads the new lines of every file and detects as it goes (see src/detect/stream-detector.ts), on
 * one or more threads. Nothing is written here: the caller stores the checkpoints and the detection
 * in the working copy, which only replaces the snapshot once the whole run succeeded.
 * `windowStartOf(newest)` gives the scoring window's start once the newest request is known.
 */
export async function ingestStage(db: Db, dbPath: string, cfg: Config, paths: string[], now: number, windowStartOf: (newest: number | null) => number): Promise<IngestStageResult> {
  const known = db.prepare(`SELECT fingerprint, path, offset, lines FROM files`).all() as FileCheckpoint[];
  const ends: [string, number][] = [];
  for (const p of paths) if (!(await isGzip(p).catch(() => true))) ends.push([p, (await stat(p)).size]);
  const priorNewest = metaNumber(db, 'newest_ts');
  const windowMs = cfg.windowDays * DAY_MS;
  let horizon: number;
  if (cfg.asOf === 'newest') {
    const tail = await newestNearEnd(paths, new Map(ends), lineToHit(cfg));
    const newest = Math.max(priorNewest ?? -Infinity, tail ?? -Infinity);
    horizon = newest - windowMs;
  } else {
    horizon = resolveAsOf(cfg.asOf, null, now) - windowMs;
  }
  const idBase = metaNumber(db, 'next_hit_id') ?? Number(db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM hits`).pluck().get());
  const fakeCrawlers = db.prepare(`SELECT key FROM actors WHERE crawler_check = 'fake'`).pluck().all() as string[];
  const knownActors = db.prepare(`SELECT key FROM actors`).pluck().all() as string[];
  const input = {
    paths, format: cfg.format, jsonFields: cfg.jsonFields, maxLineBytes: cfg.maxLineBytes, trustedProxies: cfg.trustedProxies, cdnRanges: cfg.cdnRanges,
    known, ends, idBase, horizon, scorePrivate: cfg.scorePrivate, ipv6Prefix: cfg.ipv6Prefix, windowMs, slackMs: cfg.reorderSeconds * 1000,
    maxUserAgents: cfg.sharedMinUserAgents, frontier: priorNewest ?? -Infinity, db: dbPath, fakeCrawlers, known_actors: knownActors,
    vhostFirst: cfg.format.trim() === 'vhost_combined',
  };
  const { threads, workers } = threadCount(cfg.ingestThreads, input);
  const detection = await runDetection(input, threads, (newest) => windowStartOf(newestOf(priorNewest, newest)), workers);
  const r = detection.report;
  return { counts: r.counts, checkpoints: r.checkpoints, detection, idBase, lines: r.lines, newest: newestOf(priorNewest, r.newest), threads };
}

function newestOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
