import { z } from 'zod';

// The one source of truth for configuration. The TypeScript type is derived from it; each field is
// documented once, here. CLI flags override the file; the file overrides these defaults.

export const configSchema = z.strictObject({
  /** Access-log files or globs to ingest (plain, rotated, .gz). Relative to the config file. */
  logs: z.array(z.string().min(1)).default([]),
  /** Log layout: combined, common, vhost_combined, or later a log_format string. */
  format: z.string().default('combined'),
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
  /** Requests older than this many days before asOf are not scored. */
  windowDays: z.int().positive().default(90),
  /** Skip every network lookup (DNSBL, reverse DNS, RDAP). */
  offline: z.boolean().default(false),
  /** Score private/loopback/documentation addresses (for replaying test logs); never published. */
  scorePrivate: z.boolean().default(false),
  /** DNS resolver "host[:port]"; null = the system's resolver from /etc/resolv.conf. */
  resolver: z.string().nullable().default(null),
  /** IPv6 actors are networks of this many bits (128 = single addresses). */
  ipv6Prefix: z.int().min(32).max(128).default(64),
  /** Requests kept per actor besides those cited as evidence (older ones are pruned; per-day counts stay). */
  maxHitsPerActor: z.int().min(100).max(1_000_000).default(2_000),
  /** Longest log line read; longer lines are skipped and counted as oversized. */
  maxLineBytes: z.int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Only connections from these ranges may name the client in X-Forwarded-For. */
  trustedProxies: z.array(z.string()).default([]),
  /** Ranges never published (the operator's own networks, partners, monitoring). */
  allowlist: z.array(z.string()).default([]),
  geo: z.strictObject({
    /** MaxMind GeoLite2/GeoIP2 City (or Country) .mmdb; null = bundled DB-IP Lite City. */
    city: z.string().nullable().default(null),
    /** MaxMind GeoLite2/GeoIP2 ASN .mmdb; null = bundled @ip-location-db/asn ranges. */
    asn: z.string().nullable().default(null),
  }).prefault({}),
  dnsbl: z.strictObject({
    /** Zones to query (names from data/dnsbl/zones.yaml); retired zones are refused. */
    zones: z.array(z.string()).default(['all-active']),
    /** Our own deadline per query, in milliseconds. */
    timeoutMs: z.int().min(100).max(30_000).default(2_000),
    /** Queries in flight at once. */
    concurrency: z.int().min(1).max(256).default(32),
  }).prefault({}),
  redact: z.strictObject({
    /** The operator's own host names: removed from every published string. */
    hosts: z.array(z.string()).default([]),
  }).prefault({}),
});

export type Config = z.infer<typeof configSchema>;
