import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { BlockList } from 'node:net';
import { blockListOf } from '../core/ip.ts';
import { decayedScore, dropsBelowAt, MAX_SCORE, verdictOf } from '../score/score.ts';
import { loadRules, type Rule } from '../detect/load-rules.ts';
import { loadCrawlers } from '../detect/crawler-claim.ts';
import { decidePublication, nextStatus, sharedReasonOf, type CrawlerCheck, type PageStatus } from './publication.ts';
import { scoreActors } from './stage-score.ts';

const DAY_MS = 86_400_000;

interface Row {
  key: string; raw_score: number; peak_score: number; last_offence: number | null; published: number; first_published: number | null;
  crawler: string | null; crawler_check: CrawlerCheck | null; network_type: string | null; scanner: string | null;
  status: PageStatus | null; expired_at: number | null; in_blocklist: number; dnsbl_points: number;
}

export interface DecideOptions {
  rules?: readonly Rule[];
  /** Run that makes the decision: blocklist entries and exits are recorded under it (publication_changes). */
  runId?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** DNSBL points that count: only on a published page, and never past 100. Corroboration never publishes. */
export function corroborationOf(published: boolean, evidenceScore: number, dnsblPoints: number): number {
  return published ? Math.max(0, Math.min(dnsblPoints, MAX_SCORE - evidenceScore)) : 0;
}

/**
 * Today's score for every actor, whether it is published, and its page state (published → expired →
 * removed). Publication and ageing are decided on the log evidence alone (raw score after decay);
 * DNSBL corroboration is then added to the score of published actors. Actors whose crawler claim
 * was refuted this run are re-detected first, so the fake-crawler signature (evidence: the requests
 * making the claim) is on the receipt. Entries into and exits from the blocklists are recorded in
 * publication_changes for the run, with the reason (the site's removed.txt).
 */
export function decideAll(db: Db, cfg: Config, allowlist: BlockList, asOf: number, opts: DecideOptions = {}) {
  const rules = opts.rules ?? loadRules();
  // the rules that wait for a refuted crawler claim are found by their `requires`, not by name
  const claimRules = rules.filter((r) => r.requires === 'crawler-fake').map((r) => r.id);
  const refuted = claimRules.length === 0 ? [] : db.prepare(`SELECT a.key FROM actors a WHERE a.crawler_check = 'fake'
    AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.actor = a.key AND s.rule_id IN (SELECT value FROM json_each(?)))`).pluck().all(JSON.stringify(claimRules)) as string[];
  if (refuted.length) {
    scoreActors(db, refuted, { rules, crawlers: loadCrawlers(), windowStart: asOf - cfg.windowDays * DAY_MS, asOf, now: asOf });
  }
  // the operator's own proxies (and so the CDN ranges in front of the site) are never published
  const operatorRanges = blockListOf(cfg.trustedProxies);

  const rows = db.prepare(`SELECT key, raw_score, peak_score, last_offence, published, first_published, crawler, crawler_check, network_type,
    scanner, status, expired_at, in_blocklist, dnsbl_points FROM actors`).all() as Row[];
  // counted by streaming detection up to sharedMinUserAgents (src/detect/actor-state.ts)
  const distinctUas = db.prepare(`SELECT user_agents FROM actors WHERE key = ?`).pluck();
  const critical = db.prepare(`SELECT 1 FROM signatures WHERE actor = ? AND severity = 'critical' LIMIT 1`).pluck();
  const up = db.prepare(`UPDATE actors SET score=?, evidence_score=?, corroboration=?, peak_score=max(peak_score, ?), verdict=?, published=?, excluded=?,
    first_published=?, drops_below_at=?, status=?, expired_at=?, in_blocklist=?, shared=?, shared_reason=? WHERE key=?`);
  const change = db.prepare(`INSERT INTO publication_changes(run_id, actor, change, reason, at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(run_id, actor, change) DO UPDATE SET reason=excluded.reason, at=excluded.at`);
  let published = 0;
  let newlyPublished = 0;
  let expired = 0;
  let removed = 0;
  db.transaction(() => {
    for (const r of rows) {
      const evidence = r.last_offence === null ? 0 : decayedScore(r.raw_score, r.last_offence, asOf, cfg.halfLifeDays);
      const dropAt = r.last_offence === null ? null : dropsBelowAt(r.raw_score, r.last_offence, cfg.publishThreshold, cfg.halfLifeDays);
      // only actors near the bar need the (per-actor) shared-address evidence
      const sharedReason = r.raw_score >= cfg.publishThreshold
        ? sharedReasonOf(Number(distinctUas.get(r.key) ?? 0), cfg.sharedMinUserAgents, r.network_type)
        : null;
      const ip = r.key.split('/')[0]!;
      const d = decidePublication(
        { ip, score: evidence, crawler: r.crawler, crawlerCheck: r.crawler_check, scanner: r.scanner, sharedReason, strongSignal: critical.get(r.key) !== undefined },
        { threshold: cfg.publishThreshold, allowlist, operatorRanges, sharedExtraPoints: cfg.sharedExtraPoints, scannersInBlocklists: cfg.researchScannersInBlocklists },
      );
      const before = { status: r.status ?? (r.published ? 'published' : 'none'), expiredAt: r.expired_at };
      const next = nextStatus(before, d, asOf, dropAt, cfg.expiredGraceDays);
      const corroboration = corroborationOf(d.published, evidence, r.dnsbl_points);
      const score = evidence + corroboration;
      if (d.published) published++;
      if (d.published && !r.published) newlyPublished++;
      if (next.status === 'expired' && before.status === 'published') expired++;
      if (next.status === 'removed' && before.status !== 'removed') removed++;
      if (opts.runId !== undefined) {
        if (d.inBlocklist && !r.in_blocklist) change.run(opts.runId, r.key, 'added', `score ${score}`, asOf);
        if (!d.inBlocklist && r.in_blocklist) change.run(opts.runId, r.key, 'removed', exitReason(d, next.expiredAt, r, cfg), asOf);
      }
      up.run(score, evidence, corroboration, score, verdictOf(score), d.published ? 1 : 0, d.excluded, d.published ? (r.first_published ?? asOf) : r.first_published,
        dropAt, next.status, next.expiredAt, d.inBlocklist ? 1 : 0, sharedReason ? 1 : 0, sharedReason, r.key);
    }
  })();
  return { published, newlyPublished, expired, removed };
}

function exitReason(d: { published: boolean; excluded: string | null }, expiredAt: number | null, r: Row, cfg: Config): string {
  if (d.excluded) return d.excluded;
  if (d.published) return `research scanner${r.scanner ? ` (${r.scanner})` : ''}: labelled, not blocked`;
  const since = r.last_offence === null ? '' : `; no activity since ${day(r.last_offence)}`;
  return `aged out: score below ${cfg.publishThreshold} since ${day(expiredAt ?? r.last_offence ?? 0)}${since}`;
}

/**
 * After the DNSBL stage refreshed actors.dnsbl_points: today's score of each published actor is its
 * evidence score plus the corroboration that fits under 100. Unpublished actors get none.
 */
export function applyCorroboration(db: Db): void {
  const rows = db.prepare(`SELECT key, evidence_score, dnsbl_points, published FROM actors WHERE published = 1 OR corroboration <> 0`).all() as
    { key: string; evidence_score: number; dnsbl_points: number; published: number }[];
  const up = db.prepare(`UPDATE actors SET score = ?, corroboration = ?, peak_score = max(peak_score, ?), verdict = ? WHERE key = ?`);
  db.transaction(() => {
    for (const r of rows) {
      const c = corroborationOf(r.published === 1, r.evidence_score, r.dnsbl_points);
      const score = r.evidence_score + c;
      up.run(score, c, score, verdictOf(score), r.key);
    }
  })();
}
