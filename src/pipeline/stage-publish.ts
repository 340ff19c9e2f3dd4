import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { BlockList } from 'node:net';
import { decayedScore, dropsBelowAt, verdictOf } from '../score/score.ts';
import { loadRules, type Rule } from '../detect/load-rules.ts';
import { loadCrawlers } from '../detect/crawler-claim.ts';
import { decidePublication, nextStatus, sharedReasonOf, type CrawlerCheck, type PageStatus } from './publication.ts';
import { scoreActors } from './stage-score.ts';

const DAY_MS = 86_400_000;

interface Row {
  key: string; raw_score: number; last_offence: number | null; published: number; first_published: number | null;
  crawler: string | null; crawler_check: CrawlerCheck | null; network_type: string | null; scanner: string | null;
  status: PageStatus | null; expired_at: number | null;
}

/**
 * Today's (decayed) score for every actor, whether it is published, and its page state (published →
 * expired → removed). Actors whose crawler claim was refuted this run are re-detected first, so the
 * fake-crawler signature (evidence: the requests making the claim) is on the receipt.
 */
export function decideAll(db: Db, cfg: Config, allowlist: BlockList, asOf: number, rules: readonly Rule[] = loadRules()) {
  const refuted = db.prepare(`SELECT a.key FROM actors a WHERE a.crawler_check = 'fake'
    AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.actor = a.key AND s.family = 'fake-crawler')`).pluck().all() as string[];
  if (refuted.length && rules.some((r) => r.requires === 'crawler-fake')) {
    scoreActors(db, refuted, { rules, crawlers: loadCrawlers(), windowStart: asOf - cfg.windowDays * DAY_MS, asOf, now: asOf });
  }

  const rows = db.prepare(`SELECT key, raw_score, last_offence, published, first_published, crawler, crawler_check, network_type, scanner, status, expired_at FROM actors`).all() as Row[];
  const distinctUas = db.prepare(`SELECT count(DISTINCT ua) FROM hits WHERE actor = ?`).pluck();
  const critical = db.prepare(`SELECT 1 FROM signatures WHERE actor = ? AND severity = 'critical' LIMIT 1`).pluck();
  // the score written here is the evidence alone; DNSBL corroboration is added after the lookups (stage-dnsbl)
  const up = db.prepare(`UPDATE actors SET score=?, verdict=?, published=?, excluded=?, first_published=?, drops_below_at=?,
    status=?, expired_at=?, in_blocklist=?, shared=?, shared_reason=?, dnsbl_added=0 WHERE key=?`);
  let published = 0;
  let newlyPublished = 0;
  let expired = 0;
  let removed = 0;
  db.transaction(() => {
    for (const r of rows) {
      const score = r.last_offence === null ? 0 : decayedScore(r.raw_score, r.last_offence, asOf, cfg.halfLifeDays);
      const dropAt = r.last_offence === null ? null : dropsBelowAt(r.raw_score, r.last_offence, cfg.publishThreshold, cfg.halfLifeDays);
      // only actors near the bar need the (per-actor) shared-address evidence
      const sharedReason = r.raw_score >= cfg.publishThreshold
        ? sharedReasonOf(Number(distinctUas.get(r.key) ?? 0), cfg.sharedMinUserAgents, r.network_type)
        : null;
      const d = decidePublication(
        { ip: r.key.split('/')[0]!, score, crawler: r.crawler, crawlerCheck: r.crawler_check, scanner: r.scanner, sharedReason, strongSignal: critical.get(r.key) !== undefined },
        { threshold: cfg.publishThreshold, allowlist, sharedExtraPoints: cfg.sharedExtraPoints, scannersInBlocklists: cfg.researchScannersInBlocklists },
      );
      const before = { status: r.status ?? (r.published ? 'published' : 'none'), expiredAt: r.expired_at };
      const next = nextStatus(before, d, asOf, dropAt, cfg.expiredGraceDays);
      if (d.published) published++;
      if (d.published && !r.published) newlyPublished++;
      if (next.status === 'expired' && before.status === 'published') expired++;
      if (next.status === 'removed' && before.status !== 'removed') removed++;
      up.run(score, verdictOf(score), d.published ? 1 : 0, d.excluded, d.published ? (r.first_published ?? asOf) : r.first_published, dropAt,
        next.status, next.expiredAt, d.inBlocklist ? 1 : 0, sharedReason ? 1 : 0, sharedReason, r.key);
    }
  })();
  return { published, newlyPublished, expired, removed };
}
