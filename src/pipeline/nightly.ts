import type { Config } from '../config/schema.ts';
import type { LineCounts } from '../core/types.ts';
import { blockListOf } from '../core/ip.ts';
import { openWorkingCopy, setMeta, type WorkingCopy } from '../snapshot/working-copy.ts';
import { expandLogPaths, lineToHit } from '../ingest/ingest-files.ts';
import { orderByFirstTime } from '../ingest/order-by-time.ts';
import { loadRules } from '../detect/load-rules.ts';
import { loadCrawlers } from '../detect/crawler-claim.ts';
import { openGeo } from '../enrich/open-geo.ts';
import { createDnsClient, type DnsClient } from '../dns/dns-client.ts';
import { resolveAsOf } from './as-of.ts';
import type { Progress } from '../cli/progress.ts';
import { ingestStage } from './stage-ingest.ts';
import { writeDetection } from './write-detection.ts';
import { enrichActors, checkCrawlers } from './stage-enrich.ts';
import { applyCorroboration, decideAll } from './stage-publish.ts';
import { dnsblStage } from './stage-dnsbl.ts';
import { abuseStage } from './stage-abuse.ts';
import { loadZones, selectZones } from '../dnsbl/zones.ts';
import { pruneStates } from './stage-retention.ts';

const DAY = 86_400_000;

export interface NightlyDeps {
  now: () => number;
  log: (line: string) => void;
  /** Told when each stage starts and ends (and, where a stage can, how far it got). */
  progress?: Progress;
  /** A DNS client for crawler checks and DNSBLs; default: one on the configured/system resolver. */
  dns?: DnsClient;
  /** HTTP client for RDAP abuse contacts; default: the global fetch. */
  fetch?: typeof globalThis.fetch;
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
  /** RDAP abuse-contact lookups by outcome (found, no_contact, error, cached, none, deferred); empty when none ran. */
  abuse?: Record<string, number>;
  /** What the operator must hear about (e.g. a DNSBL zone unusable this run). */
  warnings?: string[];
  stageMs: Record<string, number>;
  /** Highest resident memory seen while each stage ran, in MB (sampled every 50 ms and at the end). */
  stageRssMb: Record<string, number>;
  /** CPU time (user + system, every thread of the process) each stage used, in ms: steadier than wall time on a busy machine. */
  stageCpuMs: Record<string, number>;
  /** Threads that read and detected. */
  threads: number;
  /** Lines more than reorderSeconds late (burst windows and redirect→404 pairs skipped them). */
  lateLines: number;
  /** Requests stored as evidence this run, and stored requests deleted because nothing cites them any more. */
  stored: number;
  released: number;
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
  const stageRssMb: Record<string, number> = {};
  const stageCpuMs: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    deps.progress?.start(name);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const peak = sampleRss();
    try {
      return await f();
    } finally {
      stageMs[name] = Math.round(performance.now() - t0);
      const c = process.cpuUsage(c0);
      stageCpuMs[name] = Math.round((c.user + c.system) / 1000);
      stageRssMb[name] = peak.stop();
      deps.progress?.end(name, stageMs[name]);
    }
  };
  const startedAt = deps.now();
  const rules = loadRules();
  const crawlers = loadCrawlers();
  const allowlist = blockListOf(cfg.allowlist);
  // oldest content first (rotated files are named newest first): see ingest/order-by-time.ts
  const paths = await orderByFirstTime(await expandLogPaths(cfg.logs), lineToHit(cfg));
  const copy = openWorkingCopy(cfg.db);
  try {
    const db = copy.db;
    const runId = Number(db.prepare(`SELECT coalesce(max(id), 0) + 1 AS id FROM runs`).pluck().get());
    let asOf = 0;
    let windowStart = 0;
    // reading and detection: asOf may follow the newest request, known once every line is read
    const ingest = await timed('ingest', () => ingestStage(db, copy.path, cfg, paths, startedAt, (newest) => {
      asOf = resolveAsOf(cfg.asOf, newest, deps.now());
      windowStart = asOf - cfg.windowDays * DAY;
      return windowStart;
    }));
    const parts = ingest.detection.parts;
    const frontier = Math.max(-Infinity, ...parts.map((p) => p.frontier));
    const scored = await timed('score', () => writeDetection(db, parts, ingest.checkpoints, { runId, now: startedAt, paths, cfg }));
    // the actors whose rows were written this run (the others keep theirs and only decay)
    const touched = parts.flatMap((p) => p.outcomes.map((o) => o.key));
    const geo = await timed('enrich-open', () => openGeo({ city: cfg.geo.city, asn: cfg.geo.asn, country: cfg.geo.country, torExitList: cfg.geo.torExitList }));
    await timed('enrich', () => enrichActors(db, touched, geo));
    const dns = cfg.offline ? null : (deps.dns ?? createDnsClient({ resolver: cfg.resolver, timeoutMs: cfg.dnsbl.timeoutMs }));
    await timed('crawlers', () => checkCrawlers(db, crawlers, dns));
    const pub = await timed('publish-decision', () => decideAll(db, cfg, allowlist, asOf, { rules, runId }));
    const warnings: string[] = [];
    const dnsblCounts = dns ? await timed('dnsbl', () => dnsblStage(db, cfg, dns, { warn: (l) => { warnings.push(l); deps.log(l); } })) : {};
    // fresh listings change the corroboration points of published actors (never who is published);
    // offline runs keep the corroboration decideAll() took from the last lookups
    if (dns) applyCorroboration(db);
    const abuseCounts = cfg.offline || !cfg.rdap.enabled ? {} : await timed('abuse', () => abuseStage(db, cfg, { now: deps.now, fetch: deps.fetch, warn: (l) => { warnings.push(l); deps.log(l); } }));
    const released = await timed('retention', () => pruneStates(db, frontier - cfg.reorderSeconds * 1000 - cfg.windowDays * DAY));

    const finishedAt = deps.now();
    db.prepare(`INSERT INTO runs(id, started_at, finished_at, as_of, lines_read, lines_parsed, skipped_json) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(runId, startedAt, finishedAt, asOf, ingest.counts.read, ingest.counts.parsed, JSON.stringify(ingest.counts.skipped));
    setMeta(db, {
      next_hit_id: ingest.idBase + ingest.lines,
      ...(ingest.newest !== null ? { newest_ts: ingest.newest } : {}),
      generated_at: finishedAt,
      as_of: asOf,
      publish_threshold: cfg.publishThreshold,
      half_life_days: cfg.halfLifeDays,
      window_days: cfg.windowDays,
      site_name: cfg.site.name,
      site_url: cfg.site.url,
      // the site shows these: where owners ask for a review, and how long an expired page stays
      site_contact: cfg.site.contact,
      expired_grace_days: cfg.expiredGraceDays,
      geo_sources: JSON.stringify(geo.sources()),
      // the methodology page says how listings count; zones as resolved from the config (all-active expanded)
      dnsbl_policy: JSON.stringify({ zones: selectZones(cfg.dnsbl.zones, loadZones()).map((z) => z.zone), pointsPerListing: cfg.dnsbl.pointsPerListing, maxPoints: cfg.dnsbl.maxPoints }),
      // the site redacts these from user agents and referers too
      redact_hosts: JSON.stringify(cfg.redact.hosts.map((h) => h.toLowerCase())),
    });
    const actorsSeen = Number(db.prepare(`SELECT count(*) FROM actor_state`).pluck().get());
    return {
      copy,
      summary: {
        runId, asOf, files: paths.length, lines: ingest.counts, actorsSeen, actorsScored: scored,
        published: pub.published, newlyPublished: pub.newlyPublished, expired: pub.expired, dnsbl: dnsblCounts, abuse: abuseCounts, warnings,
        stageMs, stageRssMb, stageCpuMs, threads: ingest.threads, lateLines: parts.reduce((n, p) => n + p.late, 0),
        stored: parts.reduce((n, p) => n + p.store.length, 0), released,
      },
    };
  } catch (e) {
    copy.discard();
    throw e;
  }
}

/** Samples resident memory while a stage runs; synchronous stages are covered by the final sample. */
export function sampleRss(): { stop(): number } {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => { max = Math.max(max, process.memoryUsage.rss()); }, 50);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(max, process.memoryUsage.rss()) / 1048576);
    },
  };
}
