import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { BlockList } from 'node:net';
import { decayedScore, verdictOf } from '../score/score.ts';
import { decidePublication, type CrawlerCheck } from './publication.ts';

/** Today's (decayed) score for every actor, and whether it is published. */
export function decideAll(db: Db, cfg: Config, allowlist: BlockList, asOf: number) {
  const rows = db.prepare(`SELECT key, raw_score, last_offence, published, first_published, crawler, crawler_check FROM actors`).all() as {
    key: string; raw_score: number; last_offence: number | null; published: number; first_published: number | null; crawler: string | null; crawler_check: CrawlerCheck | null;
  }[];
  const up = db.prepare(`UPDATE actors SET score=?, verdict=?, published=?, excluded=?, first_published=? WHERE key=?`);
  let published = 0;
  let newlyPublished = 0;
  let expired = 0;
  db.transaction(() => {
    for (const r of rows) {
      const score = r.last_offence === null ? 0 : decayedScore(r.raw_score, r.last_offence, asOf, cfg.halfLifeDays);
      const d = decidePublication({ ip: r.key.split('/')[0]!, score, crawler: r.crawler, crawlerCheck: r.crawler_check }, { threshold: cfg.publishThreshold, allowlist });
      if (d.published) published++;
      if (d.published && !r.published) newlyPublished++;
      if (!d.published && r.published) expired++;
      up.run(score, verdictOf(score), d.published ? 1 : 0, d.excluded, d.published ? (r.first_published ?? asOf) : r.first_published, r.key);
    }
  })();
  return { published, newlyPublished, expired };
}
