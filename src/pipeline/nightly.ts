import type { Config } from '../config/schema.ts';
import type { LineCounts } from '../core/types.ts';
import { blockListOf, ipFamily, isNonPublic, slugOf } from '../core/ip.ts';
import { openWorkingCopy, setMeta, type Db, type WorkingCopy } from '../snapshot/working-copy.ts';
import { expandLogPaths, ingestFiles, type FileCheckpoint } from '../ingest/ingest-files.ts';
import { loadRules } from '../detect/load-rules.ts';
import { detectActor } from '../detect/detect-actor.ts';
import { loadCrawlers, claimedCrawler, inPublishedRanges, type CrawlerDef } from '../detect/crawler-claim.ts';
import { scoreSignatures, decayedScore, verdictOf } from '../score/score.ts';
import { openGeo } from '../enrich/open-geo.ts';
import { createDnsClient, type DnsClient } from '../dns/dns-client.ts';
import { verifyCrawler } from '../enrich/verify-crawler.ts';
import { checkDnsbl } from '../dnsbl/check-dnsbl.ts';
import { createHitWriter, loadActorHits } from './store-hits.ts';
import { resolveAsOf } from './as-of.ts';
import { decidePublication, type CrawlerCheck } from './publication.ts';

const DAY = 86_400_000;

export interface NightlyDeps {
  now: () => number;
  log: (line: string) => void;
  /** A DNS client for crawler checks and DNSBLs; default: one on the configured/system resolver. */
  dns?: DnsClient;
}

export interface NightlySummary {
  runId: number;
  asOf: number;
  files: number;
  lines: LineCounts;
  actorsSeen: number;
  actorsScored: number;
  published: number;
  newlyPublished: number;
  expired: number;
  dnsbl: Record<string, number>;
  stageMs: Record<string, number>;
}

export interface NightlyRun {
  summary: NightlySummary;
  /** The finished snapshot copy, not yet live. */
  copy: WorkingCopy;
}

/**
 * Ingest, detect, score, enrich, check DNSBLs, and leave a finished snapshot copy. The caller
 * publishes it (nightly: at once; build: only after the site built) or discards it on failure.
 */
export async function runNightly(cfg: Config, deps: NightlyDeps): Promise<NightlyRun> {
  const stageMs: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try { return await f(); } finally { stageMs[name] = Math.round(performance.now() - t0); }
  };
  const startedAt = deps.now();
  const rules = loadRules();
  const crawlers = loadCrawlers();
  const allowlist = blockListOf(cfg.allowlist);
  const paths = await expandLogPaths(cfg.logs);
  const copy = openWorkingCopy(cfg.db);
  try {
    const db = copy.db;
    const runId = Number(db.prepare(`SELECT coalesce(max(id), 0) + 1 AS id FROM runs`).pluck().get());

    // ingest: one transaction, so a run that dies leaves no partial counts behind
    const { result: ingest, actors: touched } = await timed('ingest', async () => {
      const known = new Map<string, FileCheckpoint>();
      for (const r of db.prepare(`SELECT fingerprint, path, offset, lines FROM files`).all() as FileCheckpoint[]) known.set(r.fingerprint, r);
      const writer = createHitWriter(db, runId, { ipv6Prefix: cfg.ipv6Prefix, redact: { hosts: cfg.redact.hosts.map((h) => h.toLowerCase()) } });
      const counts = { nonPublic: 0 };
      db.exec('BEGIN');
      const result = await ingestFiles(paths, { format: cfg.format, maxLineBytes: cfg.maxLineBytes, known, trustedProxies: cfg.trustedProxies }, (hit) => {
        if (!cfg.scorePrivate && isNonPublic(hit.ip)) { counts.nonPublic++; return; }
        writer.write(hit);
      });
      const upsert = db.prepare(`INSERT INTO files(fingerprint, path, offset, lines, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(fingerprint) DO UPDATE SET path=excluded.path, offset=excluded.offset, lines=excluded.lines, updated_at=excluded.updated_at`);
      for (const c of result.checkpoints) upsert.run(c.fingerprint, c.path, c.offset, c.lines, startedAt);
      db.exec('COMMIT');
      if (counts.nonPublic) moveToSkipped(result.counts, 'non-public-client', counts.nonPublic);
      return { result, actors: writer.actors };
    });

    const newestHit = db.prepare(`SELECT max(ts) FROM hits`).pluck().get() as number | null;
    const asOf = resolveAsOf(cfg.asOf, newestHit, deps.now());
    const windowStart = asOf - cfg.windowDays * DAY;
    // lines outside the scoring window are accounted for, not stored
    const stale = db.prepare(`DELETE FROM hits WHERE run_id = ? AND ts < ?`).run(runId, windowStart).changes;
    if (stale) moveToSkipped(ingest.counts, 'outside-window', stale);

    const scored = await timed('score', () => scoreActors(db, [...touched], { rules, crawlers, windowStart, asOf, now: startedAt }));

    const geo = await timed('enrich-open', () => openGeo({ city: cfg.geo.city, asn: cfg.geo.asn }));
    await timed('enrich', () => enrichActors(db, [...touched], geo));

    const dns = cfg.offline ? null : (deps.dns ?? createDnsClient({ resolver: cfg.resolver, timeoutMs: cfg.dnsbl.timeoutMs }));
    await timed('crawlers', () => checkCrawlers(db, crawlers, dns));

    const pub = await timed('publish-decision', () => decideAll(db, cfg, allowlist, asOf));

    const dnsblCounts: Record<string, number> = {};
    await timed('dnsbl', async () => {
      if (!dns) return;
      const rows = db.prepare(`SELECT key FROM actors WHERE published = 1 AND family = 4`).pluck().all() as string[];
      const v6 = db.prepare(`SELECT key FROM actors WHERE published = 1 AND family = 6`).pluck().all() as string[];
      const ips = [...rows, ...v6.map((k) => k.split('/')[0]!)];
      const { results, health } = await checkDnsbl(ips, { resolver: cfg.resolver, zones: cfg.dnsbl.zones, timeoutMs: cfg.dnsbl.timeoutMs, concurrency: cfg.dnsbl.concurrency }, dns);
      const keyOf = new Map<string, string>([...rows.map((k) => [k, k] as const), ...v6.map((k) => [k.split('/')[0]!, k] as const)]);
      const up = db.prepare(`INSERT INTO dnsbl(actor, zone, status, meaning, codes, abuse, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(actor, zone) DO UPDATE SET status=excluded.status, meaning=excluded.meaning, codes=excluded.codes, abuse=excluded.abuse, checked_at=excluded.checked_at`);
      db.transaction(() => {
        for (const [ip, list] of results) {
          for (const r of list) {
            up.run(keyOf.get(ip) ?? ip, r.zone, r.status, r.meaning, r.codes, r.abuse ? 1 : 0, r.checkedAt);
            dnsblCounts[r.status] = (dnsblCounts[r.status] ?? 0) + 1;
          }
        }
      })();
      setMeta(db, { zone_health: JSON.stringify(health) });
    });

    const finishedAt = deps.now();
    db.prepare(`INSERT INTO runs(id, started_at, finished_at, as_of, lines_read, lines_parsed, skipped_json) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(runId, startedAt, finishedAt, asOf, ingest.counts.read, ingest.counts.parsed, JSON.stringify(ingest.counts.skipped));
    setMeta(db, {
      generated_at: finishedAt,
      as_of: asOf,
      publish_threshold: cfg.publishThreshold,
      half_life_days: cfg.halfLifeDays,
      window_days: cfg.windowDays,
      site_name: cfg.site.name,
      site_url: cfg.site.url,
      geo_sources: JSON.stringify(geo.sources()),
      // the site redacts these from user agents and referers too
      redact_hosts: JSON.stringify(cfg.redact.hosts.map((h) => h.toLowerCase())),
    });
    const actorsSeen = Number(db.prepare(`SELECT count(*) FROM actors`).pluck().get());
    return {
      copy,
      summary: {
        runId, asOf, files: paths.length, lines: ingest.counts, actorsSeen, actorsScored: scored,
        published: pub.published, newlyPublished: pub.newlyPublished, expired: pub.expired, dnsbl: dnsblCounts, stageMs,
      },
    };
  } catch (e) {
    copy.discard();
    throw e;
  }
}

function moveToSkipped(counts: LineCounts, reason: string, n: number): void {
  counts.parsed -= n;
  counts.skipped[reason] = (counts.skipped[reason] ?? 0) + n;
}

interface ScoreCtx { rules: ReturnType<typeof loadRules>; crawlers: CrawlerDef[]; windowStart: number; asOf: number; now: number }

/** Re-detects every actor that got new requests; others keep their signatures and only decay. */
function scoreActors(db: Db, actors: string[], ctx: ScoreCtx): number {
  const delSigs = db.prepare(`DELETE FROM signatures WHERE actor = ?`);
  const insSig = db.prepare(`INSERT INTO signatures(actor, rule_id, family, label, title, description, points, severity, count, first_ts, last_ts, request_ids)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const stats = db.prepare(`SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM hits WHERE actor = ?`);
  const upActor = db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, last_offence, published, crawler, updated_at)
    VALUES (@key, @slug, @family, @requests, @first, @last, 0, @raw, @raw, @verdict, @lastOffence, 0, @crawler, @now)
    ON CONFLICT(key) DO UPDATE SET requests=@requests, first_seen=@first, last_seen=@last, raw_score=@raw,
      peak_score=max(peak_score, @raw), last_offence=@lastOffence, crawler=@crawler, updated_at=@now`);
  const ipStats = db.prepare(`INSERT INTO actor_ips(actor, ip, requests, first_seen, last_seen)
    SELECT actor, ip, count(*), min(ts), max(ts) FROM hits WHERE actor = ? GROUP BY ip
    ON CONFLICT(actor, ip) DO UPDATE SET requests=excluded.requests, first_seen=excluded.first_seen, last_seen=excluded.last_seen`);
  let n = 0;
  db.transaction(() => {
    for (const actor of actors) {
      const hits = loadActorHits(db, actor, ctx.windowStart);
      const s = stats.get(actor) as { n: number; first: number; last: number };
      const sigs = hits.length ? detectActor(hits, ctx.rules) : [];
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

async function enrichActors(db: Db, actors: string[], geo: Awaited<ReturnType<typeof openGeo>>): Promise<void> {
  const up = db.prepare(`UPDATE actors SET country=?, country_name=?, region=?, city=?, asn=?, org=?, network_type=?, network_reason=?, geo_source=? WHERE key=?`);
  db.transaction(() => {
    for (const actor of actors) {
      const g = geo.lookup(actor.split('/')[0]!);
      up.run(g.country, g.countryName, g.region, g.city, g.asn, g.org, g.networkType, g.networkReason, g.source, actor);
    }
  })();
}

/** Crawler claims: published ranges first (no network), then reverse+forward DNS when online. */
async function checkCrawlers(db: Db, defs: readonly CrawlerDef[], dns: DnsClient | null): Promise<void> {
  const rows = db.prepare(`SELECT key, crawler, crawler_check FROM actors WHERE crawler IS NOT NULL AND (crawler_check IS NULL OR crawler_check = 'unverified')`).all() as { key: string; crawler: string; crawler_check: string | null }[];
  const up = db.prepare(`UPDATE actors SET crawler_check = ? WHERE key = ?`);
  for (const r of rows) {
    const def = defs.find((d) => d.name === r.crawler);
    if (!def) continue;
    const ip = r.key.split('/')[0]!;
    let check: CrawlerCheck = 'unverified';
    if (inPublishedRanges(ip, def)) check = 'verified';
    else if (dns && def.rdnsSuffixes.length) check = await verifyCrawler(ip, def.rdnsSuffixes, dns);
    up.run(check, r.key);
  }
}

function decideAll(db: Db, cfg: Config, allowlist: ReturnType<typeof blockListOf>, asOf: number) {
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
