// Domain objects the site renders. Built only by src/lib/snapshot.ts; every string that came from a
// log line is plain text here (already redacted) and must be rendered as text.
import type { DnsblStatus, RequestTag, Severity, Verdict, NetworkType } from '../core/types.ts';

export interface GeoSource {
  kind: string;
  name: string;
  buildDate: string;
  records: number;
  licence: string;
  url: string;
  attribution: string;
}

export interface ZoneHealth {
  zone: string;
  ok: boolean;
  detail: string;
}

export interface SiteMeta {
  schemaVersion: number;
  generatedAt: number;
  asOf: number;
  publishThreshold: number;
  halfLifeDays: number;
  siteName: string;
  geoSources: GeoSource[];
  zoneHealth: ZoneHealth[];
  /** Optional meta key `dnsbl_policy`: how DNSBL listings count (null when the snapshot does not say). */
  dnsblPolicy: DnsblPolicy | null;
  /** Optional meta key `redact_hosts` (JSON array): the operator's hosts, removed from user agents and referers. */
  redactHosts: string[];
  /** Optional meta key `data_licence`: the licence of the published lists and reports. */
  licence: string;
  /** Meta key `site_contact`: where owners ask for a review; null when the snapshot does not say. */
  contact: string | null;
  /** Meta key `expired_grace_days`: how long an expired page stays (noindex) before it is removed. */
  expiredGraceDays: number | null;
}

/**
 * What report, country and network pages may know of the site: the meta without the run's clock
 * (generatedAt, asOf) and zone health, which change every night. Those pages are reused from the
 * previous build while their own data is unchanged, so they must not show what changes nightly.
 */
export type PageMeta = Pick<SiteMeta, 'schemaVersion' | 'publishThreshold' | 'halfLifeDays' | 'expiredGraceDays' | 'siteName' | 'geoSources' | 'redactHosts' | 'licence' | 'dnsblPolicy'>;

export function pageMetaOf(m: SiteMeta): PageMeta {
  return {
    schemaVersion: m.schemaVersion, publishThreshold: m.publishThreshold, halfLifeDays: m.halfLifeDays, expiredGraceDays: m.expiredGraceDays, siteName: m.siteName,
    geoSources: m.geoSources, redactHosts: m.redactHosts, licence: m.licence, dnsblPolicy: m.dnsblPolicy,
  };
}

export interface DnsblPolicy {
  /** Zones the nightly run queries. */
  zones: string[];
  pointsPerListing: number;
  maxPoints: number;
}

export interface RunSummary {
  id: number;
  startedAt: number;
  finishedAt: number;
  asOf: number;
  linesRead: number;
  linesParsed: number;
}

/** Lines read by every run in the snapshot: each line was parsed or skipped for one reason. */
export interface ReadingTotals {
  runs: number;
  firstRunAt: number | null;
  lastRunAt: number | null;
  read: number;
  parsed: number;
  /** Skip reason id (malformed, oversized, non-public-client, outside-window…) → lines. */
  skipped: Record<string, number>;
}

/** What index pages need about a published actor. */
export interface ActorSummary {
  key: string;
  slug: string;
  family: 4 | 6;
  requests: number;
  firstSeen: number;
  lastSeen: number;
  /**
   * The report's score: the capped sum of its signatures at the last offending request, plus the DNSBL
   * points a published report counts (at most 100). Pages show this one: it changes only with the
   * actor's evidence, so a page kept from the previous build is still right.
   */
  score: number;
  /** The verdict band of `score`. Today's score and verdict: SnapshotReader.todayScores(). */
  verdict: Verdict;
  country: string | null;
  countryName: string | null;
  asn: number | null;
  org: string | null;
  networkType: NetworkType;
  firstPublished: number | null;
  /** `published`: listed today; `expired`: aged out, the page stays for a grace period with noindex. */
  status: PageState;
  /** Published and in the blocklists (research scanners are published but not blocklisted by default). */
  inBlocklist: boolean;
}

export type PageState = 'published' | 'expired';

/** One logged request shown as evidence: the redacted path only, never the raw target or host. */
export interface EvidenceHit {
  id: number;
  ts: number;
  method: string;
  /** Redacted path; for a tagged junk line, the tag name in angle-free form (e.g. "[tls-handshake]"). */
  request: string;
  protocol: string;
  status: number;
  tag: RequestTag | null;
  /** "(none)", or the referer without host and query values. */
  referer: string;
  userAgent: string;
}

export interface SignatureRow {
  ruleId: string;
  family: string;
  label: string;
  title: string;
  description: string;
  points: number;
  severity: Severity;
  count: number;
  firstTs: number;
  lastTs: number;
  /** The requests that prove it (capped list; `count` may be larger). */
  evidence: EvidenceHit[];
}

export interface DnsblRow {
  zone: string;
  status: DnsblStatus;
  meaning: string;
  codes: string;
  abuse: boolean;
  /** When this outcome was first seen (a re-check with the same answer keeps it). */
  since: number;
}

export interface ActorIp {
  ip: string;
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

export interface ActorReport extends ActorSummary {
  rawScore: number;
  peakScore: number;
  lastOffence: number | null;
  region: string | null;
  city: string | null;
  networkReason: string | null;
  geoSource: string | null;
  crawler: string | null;
  crawlerCheck: string | null;
  ips: ActorIp[];
  signatures: SignatureRow[];
  dnsbl: DnsblRow[];
  /** From RDAP when the snapshot has `actors.abuse_email` (and `abuse_source`); null otherwise. */
  abuse: AbuseContact | null;
  /** `actors.drops_below_at` when the pipeline wrote it: when the report ages out (null = never). */
  dropsBelowAt: number | null;
  /** When the score fell below the publication threshold (expired pages only). */
  expiredAt: number | null;
  /** Why the address is treated as shared by many people (more evidence was needed), null when it is not. */
  sharedReason: string | null;
  /** Research scanner name when identified (published ranges or reverse DNS), null otherwise. */
  scanner: string | null;
  /** What the registry (RDAP) lookup said when no contact is shown. */
  abuseLookup: AbuseLookup;
  /** Whether /country/<cc>/ and /asn/<n>/ exist for this actor (they do only while the group has published actors). */
  groupPages: { country: boolean; asn: boolean };
  /** DNSBL points counted in `score` (score = rawScore + corroboration). */
  corroboration: number;
  /** Which lists gave the corroboration, null when none counted. */
  corroborationReason: string | null;
}

/** `found`: a contact is shown; `none`: the registry names no abuse mailbox; `unknown`: not asked yet, or the lookup failed. */
export type AbuseLookup = 'found' | 'none' | 'unknown';

export interface AbuseContact {
  email: string;
  source: string | null;
}

/** One abuse mailbox of a network's page and the published addresses it answers for. */
export interface NetworkAbuseContact {
  email: string;
  /** Published actors (worst first) whose RDAP network names this mailbox. */
  actors: ActorSummary[];
}

/** Request counts behind the report's charts: per UTC day, per UTC hour of day, per status class. */
export interface Activity {
  days: { day: number; requests: number }[];
  hours: number[];
  statusClasses: { cls: number; requests: number }[];
}

/** Other published actors near this one (same /24 or IPv6 /48; same ASN), capped lists. */
/** A neighbour as a report lists it: its address and page, nothing that changes with its evidence. */
export type NeighbourRef = Pick<ActorSummary, 'key' | 'slug'>;

export interface Neighbours {
  prefix: string;
  samePrefix: NeighbourRef[];
  sameAsn: NeighbourRef[];
  samePrefixTotal: number;
  /** More published addresses in the network than the nearest ones listed. */
  sameAsnMore: boolean;
}

/** Why an actor is listed, for exports: rule ids and behaviour labels. */
export interface Reasons {
  rules: string[];
  labels: string[];
}

/** An entry that left the list since the previous run. */
export interface RemovedEntry {
  key: string;
  reason: string;
  /** When it left the lists. */
  at: number;
  country: string | null;
  asn: number | null;
}

export interface CountryGroup {
  /** ISO 3166-1 alpha-2, upper case. */
  code: string;
  name: string;
  actors: number;
}

export interface AsnGroup {
  asn: number;
  org: string | null;
  actors: number;
}

export interface Totals {
  published: number;
  requests: number;
  countries: number;
  networks: number;
}
