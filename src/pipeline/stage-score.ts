import type { Db } from '../snapshot/working-copy.ts';
import { ipFamily, slugOf } from '../core/ip.ts';
import type { Rule } from '../detect/load-rules.ts';
import { detectActor } from '../detect/detect-actor.ts';
import { claimedCrawler, type CrawlerDef } from '../detect/crawler-claim.ts';
import { scoreSignatures, verdictOf } from '../score/score.ts';
import { loadActorHits } from './store-hits.ts';
import type { CrawlerCheck } from './publication.ts';

export interface ScoreCtx { rules: readonly Rule[]; crawlers: CrawlerDef[]; windowStart: number; asOf: number; now: number }

/** Re-detects every actor that got new requests; others keep their signatures and only decay. */
export function scoreActors(db: Db, actors: string[], ctx: ScoreCtx): number {
  const delSigs = db.prepare(`DELETE FROM signatures WHERE actor = ?`);
  const insSig = db.prepare(`INSERT INTO signatures(actor, rule_id, family, label, title, description, points, severity, count, first_ts, last_ts, request_ids)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const stats = db.prepare(`SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM hits WHERE actor = ?`);
  const upActor = db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, last_offence, published, crawler, updated_at)
    VALUES (@key, @slug, @family, @requests, @first, @last, 0, @raw, @raw, @verdict, @lastOffence, 0, @crawler, @now)
    ON CONFLICT(key) DO UPDATE SET requests=@requests, first_seen=@first, last_seen=@last, raw_score=@raw,
      peak_at=CASE WHEN @raw > 0 AND (@raw > peak_score OR peak_at IS NULL) THEN @lastOffence ELSE peak_at END,
      peak_score=max(peak_score, @raw), last_offence=@lastOffence, crawler=@crawler, updated_at=@now`);
  const setPeakAt = db.prepare(`UPDATE actors SET peak_at = last_offence WHERE key = ? AND peak_at IS NULL AND raw_score > 0`);
  const checkOf = db.prepare(`SELECT crawler_check FROM actors WHERE key = ?`).pluck();
  const ipStats = db.prepare(`INSERT INTO actor_ips(actor, ip, requests, first_seen, last_seen)
    SELECT actor, ip, count(*), min(ts), max(ts) FROM hits WHERE actor = ? GROUP BY ip
    ON CONFLICT(actor, ip) DO UPDATE SET requests=excluded.requests, first_seen=excluded.first_seen, last_seen=excluded.last_seen`);
  let n = 0;
  db.transaction(() => {
    for (const actor of actors) {
      const hits = loadActorHits(db, actor, ctx.windowStart);
      const s = stats.get(actor) as { n: number; first: number; last: number };
      // a completed crawler check from an earlier run enables the fake-crawler rule
      const crawlerCheck = (checkOf.get(actor) as CrawlerCheck | null | undefined) ?? null;
      const sigs = hits.length ? detectActor(hits, ctx.rules, { crawlerCheck }) : [];
      const result = scoreSignatures(sigs);
      delSigs.run(actor);
      for (const g of result.signatures) {
        insSig.run(actor, g.ruleId, g.family, g.label, g.title, g.description, g.points, g.severity, g.count, g.firstTs, g.lastTs, JSON.stringify(g.requestIds));
      }
      const lastOffence = result.signatures.length ? Math.max(...result.signatures.map((g) => g.lastTs)) : null;
      const crawler = mostClaimedCrawler(hits.map((h) => h.ua), ctx.crawlers);
      upActor.run({
        key: actor, slug: slugOf(actor), family: ipFamily(actor.split('/')[0]!), requests: s.n, first: s.first, last: s.last,
        raw: result.score, verdict: verdictOf(result.score), lastOffence, crawler, now: ctx.now,
      });
      setPeakAt.run(actor);
      ipStats.run(actor);
      n++;
    }
  })();
  return n;
}

function mostClaimedCrawler(uas: string[], defs: readonly CrawlerDef[]): string | null {
  const tally = new Map<string, number>();
  const seen = new Map<string, string | null>();
  for (const ua of uas) {
    let name = seen.get(ua);
    if (name === undefined) { name = claimedCrawler(ua, defs)?.name ?? null; seen.set(ua, name); }
    if (name) tally.set(name, (tally.get(name) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestN = 0;
  for (const [k, v] of tally) if (v > bestN) { best = k; bestN = v; }
  return best;
}

