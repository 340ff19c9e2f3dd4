// The only code that reads the snapshot. Opened read-only once per process (path from
// PILLORY_SNAPSHOT), statements prepared once, rows mapped to domain objects here and nowhere else.
// It never selects hits.target, hits.host or hits.raw: pages get the redacted path only.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { PilloryError } from '../core/errors.ts';
import { slugOf } from '../core/ip.ts';
import { redactTarget, redactText } from '../core/redact.ts';
import { SCHEMA_VERSION } from '../snapshot/schema.ts';
import type { DnsblStatus, NetworkType, RequestTag, Severity, Verdict } from '../core/types.ts';
import type {
  AbuseContact, AbuseLookup, ActorReport, NetworkAbuseContact, ActorSummary, Activity, AsnGroup, CountryGroup, DnsblPolicy, EvidenceHit, GeoSource,
  Neighbours, ReadingTotals, Reasons, RemovedEntry, RunSummary, SiteMeta, Totals, ZoneHealth,
} from './snapshot-types.ts';
import { prefixOf } from './prefix.ts';
import { verdictOf } from '../score/score.ts';

export type * from './snapshot-types.ts';

// No column of today's (decayed) score here: report, country and network pages are kept from one
// build to the next while their actors do not change, so they are made only from what does not decay.
const SUMMARY_COLS = `key, slug, family, requests, first_seen, last_seen, raw_score, country,
  country_name, asn, org, network_type, first_published, published`;
const ORDER = 'ORDER BY score DESC, last_seen DESC, key';
const MAX_TEXT = 512;

interface SummaryRow {
  key: string; slug: string; family: number; requests: number; first_seen: number; last_seen: number;
  raw_score: number; country: string | null; country_name: string | null;
  asn: number | null; org: string | null; network_type: string; first_published: number | null;
  published: number; status: string; in_blocklist: number; dnsbl_points: number;
}
interface ReportRow extends SummaryRow {
  raw_score: number; peak_score: number; last_offence: number | null; region: string | null;
  city: string | null; network_reason: string | null; geo_source: string | null;
  crawler: string | null; crawler_check: string | null;
  abuse_email: string | null; abuse_source: string | null; drops_below_at: number | null;
  expired_at: number | null; shared_reason: string | null; scanner: string | null; abuse_network: string | null;
  dnsbl_reason: string | null;
  /** The chart counts streaming detection stores (JSON), null in snapshots that only have the requests. */
  activity: string | null;
}
interface HitRow {
  id: number; ts: number; method: string; path: string; protocol: string; status: number;
  tag: string | null; referer: string; ua: string;
}
interface AbuseCols { abuse_email: string | null; abuse_source: string | null }
interface SigRow {
  rule_id: string; family: string; label: string; title: string; description: string; points: number;
  severity: string; count: number; first_ts: number; last_ts: number; request_ids: string;
}

const VERDICTS: readonly Verdict[] = ['none', 'low', 'elevated', 'high', 'critical'];
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const NETWORK_TYPES: readonly NetworkType[] = ['hosting', 'residential', 'mobile', 'education', 'cdn-proxy-vpn', 'tor', 'unknown'];
const TAGS: readonly RequestTag[] = ['tls-handshake', 'rdp-probe', 'binary', 'no-request', 'empty-request', 'malformed-request'];
const DNSBL_STATUSES: readonly DnsblStatus[] = ['listed', 'not_listed', 'error', 'skipped'];
const COUNTRY_CODE = /^[A-Z]{2}$/;
// An abuse address is shown as a mailto: link, so it must be a plain address and nothing else.
const ABUSE_EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/;
const NEIGHBOURS_SHOWN = 10;
/** Of a network's published addresses a report lists the nearest few; the network page has them all. */
const NETWORK_NEIGHBOURS_SHOWN = 6;
/** Addresses listed on one report (an IPv6 network can hold many). */
const MAX_IPS = 50;
const SKIP_REASON = /^[a-z][a-z0-9-]{0,39}$/;
const DEFAULT_LICENCE = 'CC BY 4.0';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/** Free text from a log line (user agent): e-mails, tokens and the operator's hosts removed, length capped. */
function safeText(s: string, hosts: readonly string[]): string {
  return clip(redactText(s.length > MAX_TEXT * 4 ? s.slice(0, MAX_TEXT * 4) : s, { hosts }));
}

/** A referer can hold the operator's own hostname: publish it without host and query values. */
export function displayReferer(referer: string, hosts: readonly string[] = []): string {
  if (referer === '' || referer === '-') return '(none)';
  const abs = /^[a-z][a-z0-9+.-]{0,20}:\/\//i.test(referer);
  const path = redactTarget(referer, { hosts });
  return abs ? `external ${path}` : path;
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toSummary(r: SummaryRow): ActorSummary {
  const published = r.published === 1;
  const score = reportScore(r);
  return {
    key: r.key,
    slug: r.slug,
    family: r.family === 6 ? 6 : 4,
    requests: r.requests,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    score,
    verdict: verdictOf(score),
    country: r.country && COUNTRY_CODE.test(r.country) ? r.country : null,
    countryName: r.country_name,
    asn: r.asn,
    org: r.org,
    networkType: oneOf(r.network_type, NETWORK_TYPES, 'unknown'),
    firstPublished: r.first_published,
    status: published ? 'published' : 'expired',
    inBlocklist: published && r.in_blocklist === 1,
  };
}

const clamp = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.min(100, Math.floor(n))) : 0);

/**
 * The report's score: what the evidence was worth at the last offending request (the capped sum of
 * its signatures), plus the DNSBL points a published report counts, never above 100. It changes only
 * when the actor's evidence or listings do; the score of a given day decays from it (decayedScore()).
 */
function reportScore(r: Pick<SummaryRow, 'raw_score' | 'dnsbl_points' | 'published'>): number {
  const raw = clamp(r.raw_score);
  return r.published === 1 ? clamp(raw + Math.min(clamp(r.dnsbl_points), 100 - raw)) : raw;
}

function toHit(r: HitRow, hosts: readonly string[]): EvidenceHit {
  const tag = r.tag === null ? null : oneOf(r.tag, TAGS, 'malformed-request');
  return {
    id: r.id,
    ts: r.ts,
    method: tag ? '' : clip(r.method),
    // the path was redacted when it was stored; the host list and token rules of today apply too
    request: tag ? `[${tag}]` : clip(redactText(r.path, { hosts })),
    protocol: clip(r.protocol),
    status: r.status,
    tag,
    referer: displayReferer(r.referer, hosts),
    userAgent: r.ua === '' ? '(none)' : safeText(r.ua, hosts),
  };
}

/** A URL slug is safe when it is exactly the slug of its key and has no path or scheme characters. */
function slugIsSafe(key: string, slug: string): boolean {
  return slug === slugOf(key) && /^[0-9a-f.-]{2,60}$/.test(slug);
}

export class SnapshotReader {
  readonly #db: Database.Database;
  readonly #stmts;
  // The snapshot does not change during a build: cache what every page asks for.
  #meta: SiteMeta | null = null;
  #published: ActorSummary[] | null = null;
  #expired: ActorSummary[] | null = null;
  #added: ActorSummary[] | null = null;
  #removed: RemovedEntry[] | null | undefined = undefined;
  #groupIndex: { country: Map<string, ActorSummary[]>; asn: Map<number, ActorSummary[]> } | null = null;
  #bySlug: Map<string, ActorSummary> | null = null;
  #byKey: Map<string, ActorSummary> | null = null;
  #pageBySlug: Map<string, ActorSummary> | null = null;
  #today: Map<string, { score: number; verdict: Verdict }> | null = null;
  #neighbourIndex: { prefix: Map<string, ActorSummary[]>; asn: Map<number, ActorSummary[]> } | null = null;
  #reasons: Map<string, Reasons> | null = null;
  #abuseByAsn: Map<number, NetworkAbuseContact[]> | null = null;
  readonly #hasChanges: boolean;
  readonly #hasStatus: boolean;

  constructor(file: string) {
    try {
      this.#db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (cause) {
      throw new PilloryError('SNAPSHOT_OPEN', `cannot open the snapshot ${file}: ${(cause as Error).message}`, { cause });
    }
    const db = this.#db;
    // check the version before preparing statements: an older file may lack the tables they name
    const version = readVersion(db);
    if (version !== SCHEMA_VERSION) {
      db.close();
      throw new PilloryError('SNAPSHOT_VERSION', `the snapshot ${file} has schema_version ${version ?? 'missing'}; this site reads version ${SCHEMA_VERSION}`);
    }
    const actorCols = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(actors)').all().map((c) => c.name));
    const col = (name: string) => (actorCols.has(name) ? `a.${name}` : `NULL AS ${name}`);
    const abuseCols = `, ${col('abuse_email')}, ${col('abuse_source')}`;
    const hasTableColumn = (table: string, column: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    const hasTable = (name: string) => db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)!.n > 0;
    const hasChanges = hasTable('publication_changes');
    // streaming detection stores every actor's chart counts (actors.activity); without them, actor_days
    // (schema 1) or the requests themselves are counted
    // Batch statements: `?` is a JSON array of actor keys; CROSS JOIN keeps the list outside, so each
    // key costs index look-ups only. report() reads a batch of one, reports() batches of many.
    const daysSql = hasTable('actor_days')
      ? `SELECT d.actor, CAST(strftime('%s', d.day) AS INTEGER) / 86400 AS d, d.requests AS n FROM json_each(?) k CROSS JOIN actor_days d ON d.actor = k.value ORDER BY d.actor, d.day`
      : `SELECT h.actor, h.ts / ${DAY_MS} AS d, count(*) AS n FROM json_each(?) k CROSS JOIN hits h ON h.actor = k.value GROUP BY h.actor, d ORDER BY h.actor, d`;
    const dropsCol = `, ${col('drops_below_at')}`;
    // page state columns (status, in_blocklist, …) came with ageing; a snapshot without them has published pages only
    const hasStatus = actorCols.has('status') && actorCols.has('expired_at');
    const opt = (name: string, fallback: string) => (actorCols.has(name) ? name : `${fallback} AS ${name}`);
    const summaryCols = `${SUMMARY_COLS}, ${hasStatus ? 'status' : "'published' AS status"}, ${opt('in_blocklist', 'published')}, ${opt('dnsbl_points', '0')}`;
    // the score's parts (issue 4): the log evidence after decay, and the DNSBL points counted on top
    const reportCols = `${opt('expired_at', 'NULL')}, ${opt('shared_reason', 'NULL')}, ${opt('scanner', 'NULL')}, ${opt('abuse_network', 'NULL')}, `
      + `${opt('dnsbl_reason', 'NULL')}`;
    const pageable = hasStatus ? "(published = 1 OR status = 'expired')" : 'published = 1';
    this.#hasStatus = hasStatus;
    // the batch statement reads the same columns through the alias a
    const aliased = (cols: string) => cols.split(',').map((c) => c.trim().replace(/^[a-z_]+\b/, (name) => (name === 'NULL' ? name : `a.${name}`))).join(', ');
    this.#hasChanges = hasChanges;
    this.#stmts = {
      meta: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta'),
      lastRun: db.prepare<[], { id: number; started_at: number; finished_at: number; as_of: number; lines_read: number; lines_parsed: number }>(
        'SELECT id, started_at, finished_at, as_of, lines_read, lines_parsed FROM runs ORDER BY id DESC LIMIT 1'),
      runs: db.prepare<[], { started_at: number; lines_read: number; lines_parsed: number; skipped_json: string }>(
        'SELECT started_at, lines_read, lines_parsed, skipped_json FROM runs ORDER BY id'),
      publishedCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM actors WHERE published = 1'),
      published: db.prepare<[], SummaryRow>(`SELECT ${summaryCols} FROM actors WHERE published = 1 ${ORDER}`),
      // today's score and verdict, for what is rebuilt every night: blocklists, home page, feed
      today: db.prepare<[], { key: string; score: number; verdict: string }>(`SELECT key, score, verdict FROM actors WHERE published = 1`),
      expired: hasStatus ? db.prepare<[], SummaryRow>(`SELECT ${summaryCols} FROM actors WHERE published = 0 AND status = 'expired' ${ORDER}`) : null,
      actors: db.prepare<[string], ReportRow>(`SELECT ${aliased(summaryCols)}, a.peak_score, a.last_offence, a.region, a.city,
        a.network_reason, a.geo_source, a.crawler, a.crawler_check${abuseCols}${dropsCol}, ${aliased(reportCols)}, ${col('activity')}
        FROM json_each(?) k CROSS JOIN actors a ON a.key = k.value WHERE ${pageable.replace(/\b(published|status)\b/g, 'a.$1')}`),
      previousRunAsOf: db.prepare<[], { as_of: number }>('SELECT as_of FROM runs ORDER BY id DESC LIMIT 1 OFFSET 1'),
      // an entry left the lists in the newest run when its score fell (or it was excluded) after the run before
      leftSince: hasStatus
        ? db.prepare<[number, number], { key: string; excluded: string | null; expired_at: number; score: number; country: string | null; asn: number | null }>(
          `SELECT key, ${opt('excluded', 'NULL')}, expired_at, score, country, asn FROM actors
            WHERE status IN ('expired', 'removed') AND published = 0 AND expired_at > ? AND expired_at <= ? ORDER BY key`)
        : null,
      // per-page chart data: each a single pass over the actor's rows of the (actor, ts) index
      // constants inlined: a bound JS number arrives as REAL and would turn the division fractional
      days: db.prepare<[string], { actor: string; d: number; n: number }>(daysSql),
      hours: db.prepare<[string], { actor: string; h: number; n: number }>(`SELECT h.actor, (h.ts / ${HOUR_MS}) % 24 AS h, count(*) AS n
        FROM json_each(?) k CROSS JOIN hits h ON h.actor = k.value GROUP BY h.actor, 2`),
      statuses: db.prepare<[string], { actor: string; c: number; n: number }>(`SELECT h.actor, h.status / 100 AS c, count(*) AS n
        FROM json_each(?) k CROSS JOIN hits h ON h.actor = k.value GROUP BY h.actor, 2 ORDER BY h.actor, 2`),
      reasons: db.prepare<[], { actor: string; rule_id: string; label: string }>(
        'SELECT s.actor, s.rule_id, s.label FROM signatures s JOIN actors a ON a.key = s.actor WHERE a.published = 1 ORDER BY s.actor, s.points DESC, s.rule_id'),
      removed: hasChanges
        ? db.prepare<[], { actor: string; reason: string; at: number; country: string | null; asn: number | null }>(`SELECT c.actor, c.reason, c.at, a.country, a.asn
            FROM publication_changes c LEFT JOIN actors a ON a.key = c.actor
            WHERE c.change = 'removed' AND c.run_id = (SELECT max(id) FROM runs) ORDER BY c.actor`)
        : null,
      ips: db.prepare<[string], { actor: string; ip: string; requests: number; first_seen: number; last_seen: number }>(
        'SELECT i.actor, i.ip, i.requests, i.first_seen, i.last_seen FROM json_each(?) k CROSS JOIN actor_ips i ON i.actor = k.value ORDER BY i.actor, i.requests DESC, i.ip'),
      signatures: db.prepare<[string], SigRow & { actor: string }>(`SELECT s.actor, s.rule_id, s.family, s.label, s.title, s.description, s.points,
        s.severity, s.count, s.first_ts, s.last_ts, s.request_ids FROM json_each(?) k CROSS JOIN signatures s ON s.actor = k.value
        ORDER BY s.actor, s.points DESC, s.first_ts, s.rule_id`),
      // Evidence by id (a JSON array of ids): one primary-key look-up each. The caller keeps only hits
      // of the citing actor, so a bad id can never show another client's request.
      hits: db.prepare<[string], HitRow & { actor: string }>(`SELECT h.id, h.actor, h.ts, h.method, h.path, h.protocol, h.status, h.tag,
        h.referer, h.ua FROM json_each(?) k CROSS JOIN hits h ON h.id = k.value`),
      abuseContacts: actorCols.has('abuse_email')
        ? db.prepare<[], { key: string; asn: number; abuse_email: string | null }>(
          'SELECT key, asn, abuse_email FROM actors WHERE published = 1 AND asn IS NOT NULL AND abuse_email IS NOT NULL')
        : null,
      // the token the snapshot's triggers move whenever a row a report page is made from changes
      pageRevs: actorCols.has('page_rev')
        ? db.prepare<[], { key: string; page_rev: string | null }>(`SELECT key, page_rev FROM actors WHERE ${pageable}`)
        : null,
      // since, not checked_at: a re-check with the same answer must not change the page
      dnsbl: db.prepare<[string], { actor: string; zone: string; status: string; meaning: string; codes: string; abuse: number; since: number }>(
        `SELECT d.actor, d.zone, d.status, d.meaning, d.codes, d.abuse, ${hasTableColumn('dnsbl', 'since') ? 'coalesce(d.since, d.checked_at)' : 'd.checked_at'} AS since
          FROM json_each(?) k CROSS JOIN dnsbl d ON d.actor = k.value ORDER BY d.actor, d.zone`),
    };
  }

  meta(): SiteMeta {
    if (this.#meta) return this.#meta;
    const m = new Map(this.#stmts.meta.all().map((r) => [r.key, r.value]));
    const geo = parseJson<unknown>(m.get('geo_sources'), []);
    const hosts = parseJson<unknown>(m.get('redact_hosts'), []);
    const zones = parseJson<unknown>(m.get('zone_health'), []);
    const policy = parseJson<unknown>(m.get('dnsbl_policy'), null);
    this.#meta = {
      schemaVersion: SCHEMA_VERSION,
      generatedAt: Number(m.get('generated_at') ?? 0),
      asOf: Number(m.get('as_of') ?? 0),
      publishThreshold: Number(m.get('publish_threshold') ?? 60),
      halfLifeDays: Number(m.get('half_life_days') ?? 30),
      siteName: m.get('site_name') ?? 'Pillory',
      geoSources: Array.isArray(geo) ? (geo as GeoSource[]) : [],
      zoneHealth: Array.isArray(zones) ? (zones as ZoneHealth[]) : [],
      dnsblPolicy: dnsblPolicyOf(policy),
      licence: clip(m.get('data_licence') || DEFAULT_LICENCE),
      contact: m.get('site_contact') ? clip(m.get('site_contact')!) : null,
      expiredGraceDays: m.has('expired_grace_days') && Number.isFinite(Number(m.get('expired_grace_days'))) ? Number(m.get('expired_grace_days')) : null,
      redactHosts: Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string' && h !== '').map((h) => h.toLowerCase()) : [],
    };
    return this.#meta;
  }

  lastRun(): RunSummary | null {
    const r = this.#stmts.lastRun.get();
    return r ? { id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, asOf: r.as_of, linesRead: r.lines_read, linesParsed: r.lines_parsed } : null;
  }

  /**
   * How much the runs have read, summed over every run in the snapshot: lines read, parsed, and skipped
   * by reason. A reason is kept only when it is a short id (it is shown on the page).
   */
  readingTotals(): ReadingTotals {
    const totals: ReadingTotals = { runs: 0, firstRunAt: null, lastRunAt: null, read: 0, parsed: 0, skipped: {} };
    for (const r of this.#stmts.runs.all()) {
      totals.runs++;
      totals.firstRunAt ??= r.started_at;
      totals.lastRunAt = r.started_at;
      totals.read += r.lines_read;
      totals.parsed += r.lines_parsed;
      const skipped = parseJson<unknown>(r.skipped_json, {});
      if (skipped === null || typeof skipped !== 'object' || Array.isArray(skipped)) continue;
      for (const [reason, n] of Object.entries(skipped)) {
        if (!SKIP_REASON.test(reason) || !Number.isSafeInteger(n) || (n as number) < 0) continue;
        totals.skipped[reason] = (totals.skipped[reason] ?? 0) + (n as number);
      }
    }
    return totals;
  }

  /** How many actors are published, without reading them (the site build sizes its workers by it). */
  publishedCount(): number {
    return this.#stmts.publishedCount.get()!.n;
  }

  /** Every published actor with a safe slug, worst first. */
  published(): ActorSummary[] {
    this.#published ??= this.#stmts.published.all().filter((r) => slugIsSafe(r.key, r.slug)).map(toSummary);
    return this.#published;
  }

  /**
   * Today's score and verdict of each published actor (decayed since its last offence, plus DNSBL
   * corroboration): for what is rebuilt every night — blocklists, the home page, the feed — never for
   * the report, country and network pages, which show the report's score.
   */
  todayScores(): Map<string, { score: number; verdict: Verdict }> {
    this.#today ??= new Map(this.#stmts.today.all().map((r) => [r.key, { score: clamp(r.score), verdict: oneOf(r.verdict, VERDICTS, 'none') }]));
    return this.#today;
  }

  /** The same summaries with today's score and verdict, for pages rebuilt every night (the home page). */
  withTodayScores(list: readonly ActorSummary[]): ActorSummary[] {
    const today = this.todayScores();
    return list.map((a) => {
      const t = today.get(a.key);
      return t ? { ...a, score: t.score, verdict: t.verdict } : a;
    });
  }

  /** Aged-out actors whose page stays for the grace period (noindex, out of every list and export). */
  expired(): ActorSummary[] {
    this.#expired ??= (this.#stmts.expired?.all() ?? []).filter((r) => slugIsSafe(r.key, r.slug)).map(toSummary);
    return this.#expired;
  }

  /** Every actor that has a report page: published, then expired. */
  pages(): ActorSummary[] {
    return [...this.published(), ...this.expired()];
  }

  /**
   * Countries and networks that get export files: those with published actors, and those an entry
   * left tonight (so a firewall fetching a group's list sees it empty, with the removal, not a 404).
   */
  exportGroups(): { countries: string[]; asns: number[] } {
    const removed = this.removed() ?? [];
    const countries = new Set([...this.countries().map((c) => c.code), ...removed.map((r) => r.country).filter((c): c is string => c !== null)]);
    const asns = new Set([...this.asns().map((a) => a.asn), ...removed.map((r) => r.asn).filter((n): n is number => n !== null && Number.isSafeInteger(n) && n >= 0)]);
    return { countries: [...countries].sort(), asns: [...asns].sort((a, b) => a - b) };
  }

  /** Published actors that go into the blocklists. */
  blocklisted(): ActorSummary[] {
    return this.published().filter((a) => a.inBlocklist);
  }

  totals(): Totals {
    const all = this.published();
    return {
      published: all.length,
      requests: all.reduce((n, a) => n + a.requests, 0),
      countries: new Set(all.map((a) => a.country).filter((c) => c !== null)).size,
      networks: new Set(all.map((a) => a.asn).filter((n) => n !== null)).size,
    };
  }

  countries(): CountryGroup[] {
    const groups = new Map<string, CountryGroup>();
    for (const a of this.published()) {
      if (!a.country) continue;
      const g = groups.get(a.country) ?? { code: a.country, name: a.countryName ?? a.country, actors: 0 };
      g.actors++;
      groups.set(a.country, g);
    }
    return [...groups.values()].sort((x, y) => y.actors - x.actors || x.code.localeCompare(y.code));
  }

  byCountry(code: string): ActorSummary[] {
    return this.#groups().country.get(code) ?? [];
  }

  asns(): AsnGroup[] {
    const groups = new Map<number, AsnGroup>();
    for (const a of this.published()) {
      if (a.asn === null || !Number.isSafeInteger(a.asn) || a.asn < 0) continue;
      const g = groups.get(a.asn) ?? { asn: a.asn, org: a.org, actors: 0 };
      g.actors++;
      groups.set(a.asn, g);
    }
    return [...groups.values()].sort((x, y) => y.actors - x.actors || x.asn - y.asn);
  }

  byAsn(asn: number): ActorSummary[] {
    return this.#groups().asn.get(asn) ?? [];
  }

  // one pass over the published list per build: a group page or export then costs one map look-up
  #groups(): { country: Map<string, ActorSummary[]>; asn: Map<number, ActorSummary[]> } {
    if (!this.#groupIndex) {
      const country = new Map<string, ActorSummary[]>();
      const asn = new Map<number, ActorSummary[]>();
      for (const a of this.published()) {
        if (a.country) push(country, a.country, a);
        if (a.asn !== null) push(asn, a.asn, a);
      }
      this.#groupIndex = { country, asn };
    }
    return this.#groupIndex;
  }

  /** The full report of a published or expired actor, or null when the slug names none. */
  report(slug: string): ActorReport | null {
    const a = this.pageSummary(slug);
    return a ? (this.#reportsOf([a.key]).get(a.key) ?? null) : null;
  }

  /** The report and its activity together, from one read of the actor's rows (what a report page needs). */
  reportPage(slug: string): { report: ActorReport; activity: Activity } | null {
    const a = this.pageSummary(slug);
    if (!a) return null;
    const rows = this.#rowsOf([a.key]).get(a.key);
    return rows ? { report: toReport(rows, this.meta(), this.contextOf(rows.actor)), activity: toActivity(rows) } : null;
  }

  /** Request counts for the report's charts (UTC days, UTC hours of day, status classes). */
  activity(key: string): Activity {
    return this.#activitiesOf([key]).get(key) ?? { days: [], hours: Array<number>(24).fill(0), statusClasses: [] };
  }

  /**
   * The report and activity of every published actor (or of those keys), in that order, read in
   * batches: the same objects report() and activity() give, at a fraction of the cost per actor.
   */
  *reports(keys: readonly string[] = this.published().map((a) => a.key), batch = 256): Generator<{ report: ActorReport; activity: Activity }> {
    const meta = this.meta();
    for (let i = 0; i < keys.length; i += batch) {
      for (const rows of this.#rowsOf(keys.slice(i, i + batch)).values()) {
        yield { report: toReport(rows, meta, this.contextOf(rows.actor)), activity: toActivity(rows) };
      }
    }
  }

  /**
   * The rows report() and activity() are made from, per actor, for a batch of keys. The mapping below
   * and rowDigests() both start here, so a digest covers exactly what a page is made from.
   */
  #rowsOf(keys: readonly string[]): Map<string, ActorRows> {
    const list = JSON.stringify(keys);
    const out = new Map<string, ActorRows>();
    for (const a of this.#stmts.actors.all(list)) {
      if (slugIsSafe(a.key, a.slug)) out.set(a.key, { actor: a, ips: [], sigs: [], evidence: [], dnsbl: [], days: [], hours: [], statuses: [] });
    }
    const of = (actor: string) => out.get(actor);
    for (const i of this.#stmts.ips.all(list)) of(i.actor)?.ips.push(i);
    for (const d of this.#stmts.dnsbl.all(list)) of(d.actor)?.dnsbl.push(d);
    const sigRows = this.#stmts.signatures.all(list);
    const cited = sigRows.map((s) => [...new Set(idList(s.request_ids))]);
    const hitById = new Map(this.#stmts.hits.all(JSON.stringify(cited.flat())).map((h) => [h.id, h]));
    sigRows.forEach((s, n) => {
      const rows = of(s.actor);
      if (!rows) return;
      rows.sigs.push(s);
      // only the citing actor's own requests: a bad id can never show another client's request
      rows.evidence.push(cited[n]!.map((id) => hitById.get(id)).filter((h) => h !== undefined && h.actor === s.actor)
        .sort((x, y) => x!.ts - y!.ts || x!.id - y!.id) as HitRow[]);
    });
    // stored counts where the snapshot has them; counted from the requests only for the others
    const uncounted: string[] = [];
    for (const [key, rows] of out) if (!storedActivity(rows)) uncounted.push(key);
    if (uncounted.length > 0) {
      const rest = JSON.stringify(uncounted);
      for (const d of this.#stmts.days.all(rest)) of(d.actor)?.days.push(d);
      for (const h of this.#stmts.hours.all(rest)) of(h.actor)?.hours.push(h);
      for (const c of this.#stmts.statuses.all(rest)) of(c.actor)?.statuses.push(c);
    }
    return out;
  }

  /**
   * Per actor with a report page: the token the snapshot moves whenever a row its report and activity
   * are made from changes (src/snapshot/page-revision.ts). Empty for a snapshot without tokens.
   */
  pageRevisions(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.#stmts.pageRevs?.all() ?? []) if (typeof r.page_rev === 'string' && r.page_rev !== '') out.set(r.key, r.page_rev);
    return out;
  }

  /** Per published actor key (all, or those given, in that order): a hash of the rows its report and activity are made from. */
  *rowDigests(keys: readonly string[] = this.published().map((a) => a.key), batch = 256): Generator<[string, string]> {
    for (let i = 0; i < keys.length; i += batch) {
      for (const [key, rows] of this.#rowsOf(keys.slice(i, i + batch))) {
        yield [key, createHash('sha1').update(JSON.stringify(rows)).digest('base64url')];
      }
    }
  }

  #reportsOf(keys: readonly string[]): Map<string, ActorReport> {
    return mapValues(this.#rowsOf(keys), (rows) => toReport(rows, this.meta(), this.contextOf(rows.actor)));
  }

  #activitiesOf(keys: readonly string[]): Map<string, Activity> {
    return mapValues(this.#rowsOf(keys), toActivity);
  }

  /** An actor with a report page (published or expired) by key, from the cached lists. */
  summaryOf(key: string): ActorSummary | null {
    this.#byKey ??= new Map(this.pages().map((a) => [a.key, a]));
    return this.#byKey.get(key) ?? null;
  }

  /** An actor with a report page (published or expired) by slug, from the cached lists. */
  pageSummary(slug: string): ActorSummary | null {
    this.#pageBySlug ??= new Map(this.pages().map((a) => [a.slug, a]));
    return this.#pageBySlug.get(slug) ?? null;
  }

  /** What a report takes from other actors (see ReportContext). */
  contextOf(a: Pick<ActorSummary, 'country' | 'asn'> | Pick<SummaryRow, 'country' | 'asn'>): ReportContext {
    const country = a.country && COUNTRY_CODE.test(a.country) ? a.country : null;
    return {
      groupPages: {
        country: country !== null && this.#groups().country.has(country),
        asn: a.asn !== null && this.#groups().asn.has(a.asn),
      },
    };
  }

  /** A published actor by slug (summary only), from the cached list. */
  summary(slug: string): ActorSummary | null {
    this.#bySlug ??= new Map(this.published().map((a) => [a.slug, a]));
    return this.#bySlug.get(slug) ?? null;
  }

  /**
   * Other published actors in the same /24 (IPv6: /48) and the same ASN. The groups are built once
   * per build from the cached list, so each page costs two map look-ups.
   */
  neighbours(actor: Pick<ActorSummary, 'key' | 'asn'>): Neighbours {
    if (!this.#neighbourIndex) {
      const prefix = new Map<string, ActorSummary[]>();
      const asn = new Map<number, ActorSummary[]>();
      // in address order, not score order: a page lists the same neighbours night after night unless
      // the neighbourhood itself changes
      for (const a of [...this.published()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))) {
        push(prefix, prefixOf(a.key), a);
        if (a.asn !== null) push(asn, a.asn, a);
      }
      this.#neighbourIndex = { prefix, asn };
    }
    const p = prefixOf(actor.key);
    const samePrefix = (this.#neighbourIndex.prefix.get(p) ?? []).filter((a) => a.key !== actor.key);
    const network = actor.asn === null ? [] : (this.#neighbourIndex.asn.get(actor.asn) ?? []);
    const ref = (a: ActorSummary) => ({ key: a.key, slug: a.slug });
    return {
      prefix: p,
      samePrefix: samePrefix.slice(0, NEIGHBOURS_SHOWN).map(ref),
      sameAsn: nearest(network, actor.key, NETWORK_NEIGHBOURS_SHOWN).map(ref),
      samePrefixTotal: samePrefix.length,
      sameAsnMore: network.filter((a) => a.key !== actor.key).length > NETWORK_NEIGHBOURS_SHOWN,
    };
  }

  /**
   * Rule ids and labels per published actor key (one query per build). Actors that fired the same rules
   * share one frozen entry: most do, and a map of 200,000 separate entries held over 100 MB in each
   * render worker.
   */
  reasons(): Map<string, Reasons> {
    if (!this.#reasons) {
      const m = new Map<string, Reasons>();
      const shared = new Map<string, Reasons>();
      let actor: string | null = null;
      let rules: string[] = [];
      let labels: string[] = [];
      const close = () => {
        if (actor === null) return;
        const id = `${rules.join(',')}|${labels.join(',')}`;
        let e = shared.get(id);
        if (!e) {
          e = Object.freeze({ rules: Object.freeze(rules) as string[], labels: Object.freeze(labels) as string[] });
          shared.set(id, e);
        }
        m.set(actor, e);
      };
      // rows come ordered by actor
      for (const r of this.#stmts.reasons.iterate()) {
        if (r.actor !== actor) {
          close();
          actor = r.actor;
          rules = [];
          labels = [];
        }
        rules.push(r.rule_id);
        if (!labels.includes(r.label)) labels.push(r.label);
      }
      close();
      this.#reasons = m;
    }
    return this.#reasons;
  }

  /** The abuse mailboxes (from RDAP) of a network's published addresses, most addresses first. */
  abuseContacts(asn: number): NetworkAbuseContact[] {
    if (!this.#abuseByAsn) {
      const m = new Map<number, Map<string, ActorSummary[]>>();
      for (const r of this.#stmts.abuseContacts?.all() ?? []) {
        const contact = abuseOf({ abuse_email: r.abuse_email, abuse_source: null });
        const actor = this.summary(slugOf(r.key));
        if (!contact || !actor) continue;
        const byEmail = m.get(r.asn) ?? new Map<string, ActorSummary[]>();
        push(byEmail, contact.email, actor);
        m.set(r.asn, byEmail);
      }
      const order = new Map(this.published().map((a, i) => [a.key, i]));
      this.#abuseByAsn = new Map([...m].map(([n, byEmail]) => [n, [...byEmail]
        .map(([email, actors]) => ({ email, actors: actors.sort((a, b) => order.get(a.key)! - order.get(b.key)!) }))
        .sort((a, b) => b.actors.length - a.actors.length || a.email.localeCompare(b.email))]));
    }
    return this.#abuseByAsn.get(asn) ?? [];
  }

  /** Actors first published by the newest run. */
  added(): ActorSummary[] {
    if (!this.#added) {
      const run = this.lastRun();
      this.#added = run ? this.published().filter((a) => a.firstPublished === run.asOf) : [];
    }
    return this.#added;
  }

  /**
   * Actors the newest run took off the list, with the reason: from a `publication_changes` table when
   * the snapshot has one, else from the page state (aged out or excluded after the previous run). Null
   * when the snapshot records neither.
   */
  removed(): RemovedEntry[] | null {
    if (this.#removed === undefined) this.#removed = this.#readRemoved();
    return this.#removed;
  }

  #readRemoved(): RemovedEntry[] | null {
    if (this.#hasChanges && this.#stmts.removed) {
      // a removed actor is no longer in published(): its country and network come from its own row
      return this.#stmts.removed.all().map((r) => ({
        key: r.actor, reason: clip(r.reason), at: r.at, country: r.country && COUNTRY_CODE.test(r.country) ? r.country : null, asn: r.asn,
      }));
    }
    if (!this.#hasStatus || !this.#stmts.leftSince) return null;
    const run = this.lastRun();
    const before = this.#stmts.previousRunAsOf.get();
    // with one run only there was no earlier list to leave
    if (!run || !before) return [];
    const threshold = this.meta().publishThreshold;
    return this.#stmts.leftSince.all(before.as_of, run.asOf).map((r) => ({
      key: r.key,
      at: r.expired_at,
      reason: r.excluded ? `no longer published: ${clip(r.excluded)}` : `aged out: score ${r.score} fell below ${threshold} on ${new Date(r.expired_at).toISOString().slice(0, 10)}`,
      country: r.country && COUNTRY_CODE.test(r.country) ? r.country : null,
      asn: r.asn,
    }));
  }

  close(): void {
    this.#db.close();
  }
}

interface ActorRows {
  actor: ReportRow;
  ips: { ip: string; requests: number; first_seen: number; last_seen: number }[];
  sigs: SigRow[];
  /** Per signature (same order), its cited requests of this actor, oldest first. */
  evidence: HitRow[][];
  dnsbl: { zone: string; status: string; meaning: string; codes: string; abuse: number; since: number }[];
  days: { d: number; n: number }[];
  hours: { h: number; n: number }[];
  statuses: { c: number; n: number }[];
}

/**
 * What a report takes from outside its actor's own rows: whether its country and network pages exist
 * (they do while the group has published actors). rowDigests() callers hash it beside the rows.
 */
export interface ReportContext { groupPages: { country: boolean; asn: boolean } }

function toReport(rows: ActorRows, meta: Pick<SiteMeta, 'redactHosts' | 'dnsblPolicy'>, context: ReportContext): ActorReport {
  const r = rows.actor;
  const summary = toSummary(r);
  const hosts = meta.redactHosts;
  // only the zones the snapshot was last checked against: a row of a zone since dropped or retired is no vote
  const zones = meta.dnsblPolicy?.zones;
  return {
    ...summary,
    rawScore: r.raw_score,
    peakScore: r.peak_score,
    lastOffence: r.last_offence,
    region: r.region,
    city: r.city,
    networkReason: r.network_reason,
    geoSource: r.geo_source,
    crawler: r.crawler,
    crawlerCheck: r.crawler_check,
    ips: rows.ips.slice(0, MAX_IPS).map((i) => ({ ip: i.ip, requests: i.requests, firstSeen: i.first_seen, lastSeen: i.last_seen })),
    signatures: rows.sigs.map((s, n) => ({
      ruleId: s.rule_id,
      family: s.family,
      label: s.label,
      title: s.title,
      description: s.description,
      points: s.points,
      severity: oneOf(s.severity, SEVERITIES, 'low'),
      count: s.count,
      firstTs: s.first_ts,
      lastTs: s.last_ts,
      evidence: rows.evidence[n]!.map((h) => toHit(h, hosts)),
    })),
    dnsbl: rows.dnsbl.filter((d) => !zones || zones.includes(d.zone)).map((d) => ({
      zone: d.zone,
      status: oneOf(d.status, DNSBL_STATUSES, 'error'),
      meaning: clip(d.meaning),
      codes: d.codes,
      abuse: d.abuse === 1,
      since: d.since,
    })),
    abuse: abuseOf(r),
    dropsBelowAt: r.drops_below_at,
    expiredAt: r.published === 1 ? null : r.expired_at,
    sharedReason: r.shared_reason ? clip(r.shared_reason) : null,
    scanner: r.scanner ? clip(r.scanner) : null,
    abuseLookup: abuseLookupOf(r),
    groupPages: context.groupPages,
    // the DNSBL points in the report's score (see reportScore)
    corroboration: summary.score - clamp(r.raw_score),
    corroborationReason: r.dnsbl_reason && summary.score > clamp(r.raw_score) ? clip(r.dnsbl_reason) : null,
  };
}

/**
 * Fills the chart rows from the actor's stored counts ({"days":[[utcDayMs,n],…],"hours":[24],"statuses":
 * [[class,n],…]}); only non-negative safe integers pass. False when there are none.
 */
function storedActivity(rows: ActorRows): boolean {
  const json = rows.actor.activity;
  if (typeof json !== 'string') return false;
  const raw = parseJson<unknown>(json, null);
  if (raw === null || typeof raw !== 'object') return false;
  const o = raw as { days?: unknown; hours?: unknown; statuses?: unknown };
  const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  const pairs = (v: unknown): [number, number][] => (Array.isArray(v)
    ? v.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && count(p[1]))
    : []);
  for (const [day, n] of pairs(o.days)) if (day % DAY_MS === 0) rows.days.push({ d: day / DAY_MS, n });
  if (Array.isArray(o.hours)) o.hours.forEach((n, h) => { if (h < 24 && count(n) && n > 0) rows.hours.push({ h, n }); });
  for (const [c, n] of pairs(o.statuses)) if (c >= 0 && c <= 9) rows.statuses.push({ c, n });
  return true;
}

function toActivity(rows: ActorRows): Activity {
  const hours = Array<number>(24).fill(0);
  for (const h of rows.hours) if (h.h >= 0 && h.h < 24) hours[h.h] = h.n;
  return {
    days: rows.days.map((d) => ({ day: d.d * DAY_MS, requests: d.n })),
    hours,
    statusClasses: rows.statuses.map((c) => ({ cls: c.c, requests: c.n })),
  };
}

function mapValues<K, A, B>(m: Map<K, A>, f: (a: A) => B): Map<K, B> {
  return new Map([...m].map(([k, v]) => [k, f(v)]));
}

/**
 * The `n` actors of a key-sorted list nearest to `key` in that order (not `key` itself): a big network's
 * page list changes only when an address near this one joins or leaves, not with every change in it.
 */
function nearest(sorted: readonly ActorSummary[], key: string, n: number): ActorSummary[] {
  const others = sorted.filter((a) => a.key !== key);
  if (others.length <= n) return others;
  let at = others.findIndex((a) => a.key > key);
  if (at < 0) at = others.length;
  const from = Math.max(0, Math.min(at - Math.floor(n / 2), others.length - n));
  return others.slice(from, from + n);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function dnsblPolicyOf(v: unknown): DnsblPolicy | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  const n = (x: unknown) => (Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= 100 ? (x as number) : null);
  const perListing = n(p['pointsPerListing']);
  const max = n(p['maxPoints']);
  if (perListing === null || max === null || !Array.isArray(p['zones'])) return null;
  const zones = p['zones'].filter((z): z is string => typeof z === 'string' && /^[a-z0-9.-]{1,253}$/.test(z));
  return { zones, pointsPerListing: perListing, maxPoints: max };
}

function abuseOf(r: AbuseCols): AbuseContact | null {
  const email = r.abuse_email?.trim() ?? '';
  if (email.length > 254 || !ABUSE_EMAIL.test(email)) return null;
  return { email: email.toLowerCase(), source: r.abuse_source ? clip(r.abuse_source) : null };
}

function abuseLookupOf(r: AbuseCols & { abuse_network: string | null }): AbuseLookup {
  if (abuseOf(r)) return 'found';
  // a network row without a mailbox is a registry answer; no row means not asked yet, or it failed
  return r.abuse_network ? 'none' : 'unknown';
}

function readVersion(db: Database.Database): number | null {
  try {
    const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
    return row ? Number(row.value) : null;
  } catch {
    return null; // no meta table: not a snapshot
  }
}

/** request_ids as a clean list of integers (anything else is dropped). */
function idList(json: string): number[] {
  const ids = parseJson<unknown>(json, []);
  return Array.isArray(ids) ? ids.filter((n): n is number => Number.isSafeInteger(n)) : [];
}

// Held on globalThis: in a render worker the pages' copy of this module (bundled by Astro) and the
// worker's own copy must share one reader, or each loads the published list and its indexes again.
const READER = Symbol.for('pillory.snapshot-reader');
const held = globalThis as { [READER]?: SnapshotReader };

/** The process-wide reader over PILLORY_SNAPSHOT, opened on first use. */
export function snapshot(): SnapshotReader {
  if (!held[READER]) {
    const file = process.env.PILLORY_SNAPSHOT;
    if (!file) throw new PilloryError('SNAPSHOT_PATH', 'PILLORY_SNAPSHOT is not set: the site needs the path of a snapshot file');
    held[READER] = new SnapshotReader(file);
  }
  return held[READER];
}
