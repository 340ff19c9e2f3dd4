import { z } from 'zod';
import { PilloryError } from '../core/errors.ts';
import { JSON_FIELDS } from '../ingest/json-fields.ts';
import { lineParserFor } from '../ingest/line-parser.ts';

// The one source of truth for configuration. The TypeScript type is derived from it; each field is
// documented once, here. CLI flags override the file; the file overrides these defaults.

export const configSchema = z.strictObject({
  /** Access-log files or globs to ingest (plain, rotated, .gz). Relative to the config file. */
  logs: z.array(z.string().min(1)).default([]),
  /**
   * Log layout, one for every file of the run: a name (combined, common, vhost_combined, nginx_main,
   * json, nginx_json, caddy, traefik), an nginx `log_format` string ('$remote_addr - $remote_user
   * [$time_local] "$request" …') or an Apache `LogFormat` string ('%h %l %u %t \"%r\" %>s %b …').
   * A string is compiled once; variables Pillory has no use for are matched and ignored. Checked when
   * the config is loaded (see src/ingest/line-parser.ts).
   */
  format: z.string().min(1).max(2048).default('combined'),
  /**
   * For the JSON formats: which key holds which field, over the preset's own keys. Each value is a
   * key or a list of keys tried in order; `a.b` reaches into nested objects. Fields: ip, time,
   * request, method, target, query, protocol, status, bytes, referer, ua, host, forwardedFor, realIp,
   * cdnIp. Example: { ip: downstream_remote_address, target: [x-envoy-original-path, path] }.
   */
  jsonFields: z.partialRecord(z.enum(JSON_FIELDS), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).default({}),
  /** Snapshot file (SQLite). Runs against the same file accumulate. */
  db: z.string().default('.pillory/snapshot.sqlite'),
  /** Output folder of the static site. */
  out: z.string().default('dist'),
  /** Public site settings. */
  site: z.strictObject({
    url: z.url().default('https://pillory.example.org'),
    name: z.string().default('Pillory'),
    /** Where owners write to ask for a review (shown on /removal/). */
    contact: z.string().default('abuse-review@pillory.example.org'),
  }).prefault({}),
  /** Scoring clock: "now", "newest" (the newest log line), or an ISO date-time. */
  asOf: z.string().default('now'),
  /** A page is published at this score or above. */
  publishThreshold: z.int().min(1).max(100).default(60),
  /** Score half-life in days after the last offending request; 0 turns ageing off. */
  halfLifeDays: z.number().min(0).default(30),
  /**
   * The scoring window, in days. A line older than this before asOf (for asOf "newest": before the
   * newest request of earlier runs or the newest line at the end of a plain file) is skipped as
   * outside-window. A rule's evidence is its episode: its matching requests since the last gap longer
   * than this; it counts while the episode's newest request is inside the window. An actor quiet for
   * longer starts afresh (data/rules/README.md, "Streaming and the window").
   */
  windowDays: z.int().positive().default(90),
  /**
   * How late a log line may come (its time before the newest time read so far) and still be put in
   * order for the rules that need order (bursts, redirect→404). Servers stamp a request with its start
   * and log it at its end; 120 s covers slow requests. Later lines are still counted everywhere else.
   */
  reorderSeconds: z.int().min(0).max(3600).default(120),
  /** Threads that read and detect, each taking the clients that hash to it: 0 = one per CPU (at most 2) for inputs over 32 MB. */
  ingestThreads: z.int().min(0).max(16).default(0),
  /** Skip every network lookup (DNSBL, reverse DNS, RDAP). */
  offline: z.boolean().default(false),
  /** Score private/loopback/documentation addresses (for replaying test logs); never published. */
  scorePrivate: z.boolean().default(false),
  /** DNS resolver "host[:port]"; null = the system's resolver from /etc/resolv.conf. */
  resolver: z.string().nullable().default(null),
  /** IPv6 actors are networks of this many bits (128 = single addresses). */
  ipv6Prefix: z.int().min(32).max(128).default(64),
  /** Longest log line read; longer lines are skipped and counted as oversized. */
  maxLineBytes: z.int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /**
   * Reverse proxies (addresses or CIDR ranges) allowed to name the client: only a request whose
   * connecting address is in here has its X-Forwarded-For walked (right to left, stopping at the first
   * address not in here), or its X-Real-IP / CDN client header read — when the format logs them.
   */
  trustedProxies: z.array(z.string()).default([]),
  /**
   * Ready CDN edge ranges to add to trustedProxies, by name: files in data/proxies/ (cloudflare,
   * fastly). Off unless named: trust a CDN only when every request reaches the server through it.
   */
  cdnRanges: z.array(z.string().regex(/^[a-z0-9-]{1,40}$/)).default([]),
  /** Days an aged-out page stays up (noindex, "no activity since …") before it is removed. */
  expiredGraceDays: z.int().min(0).max(3650).default(30),
  /** Research scanners (data/scanners/: Censys, Shodan…): labelled; true also lists them in the blocklists. */
  researchScannersInBlocklists: z.boolean().default(false),
  /** Shared addresses (many user agents, mobile carriers, proxy/cloud egress) publish only at threshold + this, or on a critical signature. */
  sharedExtraPoints: z.int().min(0).max(100).default(20),
  /** Distinct user agents from one address at which it is treated as shared (an office or carrier NAT). */
  sharedMinUserAgents: z.int().min(2).max(10_000).default(12),
  /** Ranges never published (the operator's own networks, partners, monitoring). */
  allowlist: z.array(z.string()).default([]),
  geo: z.strictObject({
    /** MaxMind GeoLite2/GeoIP2 City (or Country) .mmdb; null = bundled DB-IP Lite City. */
    city: z.string().nullable().default(null),
    /** MaxMind GeoLite2/GeoIP2 ASN .mmdb; null = bundled @ip-location-db/asn ranges. */
    asn: z.string().nullable().default(null),
    /** MaxMind GeoLite2/GeoIP2 Country .mmdb: the country when no City database is set (or it has none for an address). */
    country: z.string().nullable().default(null),
    /** Tor exit list the operator downloads (one address per line, or the exit-addresses format); never fetched by Pillory. */
    torExitList: z.string().nullable().default(null),
  }).prefault({}),
  /** Abuse contacts from the registries' RDAP service (skipped when offline). */
  rdap: z.strictObject({
    enabled: z.boolean().default(true),
    /** Deadline per HTTPS request, in milliseconds. */
    timeoutMs: z.int().min(100).max(60_000).default(5_000),
    /** Requests in flight at once. */
    concurrency: z.int().min(1).max(16).default(4),
    /** A network's contact is reused this many days before it is looked up again. */
    ttlDays: z.number().positive().max(365).default(28),
    /** A failed lookup is retried after this many hours. */
    retryHours: z.number().positive().max(24 * 30).default(24),
    /** Most lookups per run (the rest wait for the next night). */
    maxLookups: z.int().min(0).max(100_000).default(500),
    /** Wall-clock budget for one run's lookups, in seconds; lookups not started by then wait for the next run. */
    budgetSeconds: z.int().min(5).max(3_600).default(120),
    /** RDAP server map (IANA bootstrap summary); null = data/rdap/bootstrap.yaml. */
    bootstrapFile: z.string().nullable().default(null),
  }).prefault({}),
  dnsbl: z.strictObject({
    /** Zones to query (names from data/dnsbl/zones.yaml); retired zones are refused. */
    zones: z.array(z.string()).default(['all-active']),
    /** Our own deadline per query, in milliseconds. */
    timeoutMs: z.int().min(100).max(30_000).default(2_000),
    /** Queries in flight at once. */
    concurrency: z.int().min(1).max(256).default(32),
    /** A listed / not-listed result is reused this many hours before the address is asked again (zones.yaml may set less). */
    ttlHours: z.number().positive().max(24 * 90).default(24),
    /** Per-zone overrides, e.g. { "bl.spamcop.net": { ttlHours: 3 } }. */
    zoneOptions: z.record(z.string(), z.strictObject({ ttlHours: z.number().positive().max(24 * 90).optional() })).default({}),
    /** Spamhaus Data Query Service key: Spamhaus zones are then queried through DQS (works from any resolver). */
    spamhausDqsKey: z.string().regex(/^[A-Za-z0-9]{16,64}$/).nullable().default(null),
    /** Wall-clock budget for one run's address queries; unsent ones are "not checked" and due next run. */
    budgetSeconds: z.int().min(5).max(3_600).default(300),
    /** Stop asking a zone for the rest of the run after this many timeouts (when at least half its queries timed out). */
    breakerTimeouts: z.int().min(1).max(10_000).default(8),
    /** Corroboration points per blocklist whose listing means abuse (policy lists such as PBL add none). */
    pointsPerListing: z.int().min(0).max(50).default(5),
    /** Most corroboration points DNSBL listings add to one actor. */
    maxPoints: z.int().min(0).max(50).default(10),
  }).prefault({}),
  redact: z.strictObject({
    /** The operator's own host names: removed from every published string. */
    hosts: z.array(z.string()).default([]),
  }).prefault({}),
}).superRefine((cfg, ctx) => {
  // the format is compiled here once so a bad layout is a config error naming the field, not a failed run
  const problem = formatProblem(cfg.format, cfg.jsonFields);
  if (problem) ctx.addIssue({ code: 'custom', path: ['format'], message: problem });
});

/** Why this format (with these JSON fields) cannot be read, or null when it can. */
export function formatProblem(format: string, jsonFields: Record<string, string | readonly string[]>): string | null {
  try {
    lineParserFor(format, jsonFields);
    return null;
  } catch (e) {
    if (e instanceof PilloryError) return e.message;
    throw e;
  }
}

export type Config = z.infer<typeof configSchema>;
