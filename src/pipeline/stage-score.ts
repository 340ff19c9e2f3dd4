import type { Db } from '../snapshot/working-copy.ts';
import type { Rule } from '../detect/load-rules.ts';
import type { CrawlerDef } from '../detect/crawler-claim.ts';
import { StreamDetector } from '../detect/stream-detector.ts';
import { writeOutcomes } from './write-detection.ts';

export interface ScoreCtx {
  rules: readonly Rule[];
  crawlers: CrawlerDef[];
  windowStart: number;
  asOf: number;
  now: number;
  /** The reorder slack the states were written with (reorderSeconds · 1000). */
  slackMs?: number;
}

/**
 * Judges these actors again from their stored detection state, without new requests: after a crawler
 * check refuted a claim, the `requires: crawler-fake` rules now apply (their evidence, the requests
 * that made the claim, was stored when they were read). Writes their signatures and rows; returns how
 * many were judged.
 */
export function scoreActors(db: Db, actors: string[], ctx: ScoreCtx): number {
  if (actors.length === 0) return 0;
  const fake = new Set(db.prepare(`SELECT key FROM actors WHERE crawler_check = 'fake'`).pluck().all() as string[]);
  const load = db.prepare<[string], { key: string; state: Buffer }>(`SELECT key, state FROM actor_state WHERE key IN (SELECT value FROM json_each(?))`);
  const newest = db.prepare(`SELECT value FROM meta WHERE key = 'newest_ts'`).pluck().get() as string | undefined;
  const d = new StreamDetector({
    rules: ctx.rules, crawlers: ctx.crawlers, ipv6Prefix: 64, windowMs: ctx.asOf - ctx.windowStart, slackMs: ctx.slackMs ?? 120_000,
    maxUserAgents: Number.MAX_SAFE_INTEGER, frontier: newest === undefined ? -Infinity : Number(newest),
    facts: (key) => ({ crawlerCheck: fake.has(key) ? 'fake' : null }),
    loadStates: (keys) => new Map(load.all(JSON.stringify(keys)).map((r) => [r.key, r.state])),
  });
  d.include(actors);
  const out = d.finish({ windowStart: ctx.windowStart });
  db.transaction(() => writeOutcomes(db, out.outcomes, ctx.now))();
  return out.outcomes.length;
}
