// Domain types shared by every stage. Stages exchange these plain records; I/O stays at the edges.

/** Why a request line carried no usable method/target (scanner bytes, timeouts, empty lines). */
export type RequestTag = 'tls-handshake' | 'rdp-probe' | 'binary' | 'no-request' | 'empty-request' | 'malformed-request';

/** One parsed access-log line, normalised. Times are epoch milliseconds in UTC. */
export interface Hit {
  /** Row id in the snapshot (assigned when stored); detection keeps these as evidence. */
  id: number;
  /** Canonical client address (see core/ip.ts canonicalIp). */
  ip: string;
  ts: number;
  /** Upper-case method, '' when the request line had none. */
  method: string;
  /** Request target as sent (path + query), escapes decoded; '' when none. Attacker-controlled. */
  target: string;
  protocol: string;
  status: number;
  /** Response size in bytes, 0 for '-'. */
  bytes: number;
  /** '' when the log had '-'. */
  referer: string;
  /** '' when the log had '-'. */
  ua: string;
  /** Virtual host when the format has one, else ''. Never published (operator's hostname). */
  host: string;
  /** Set when the request line was not an HTTP request (see RequestTag). */
  tag: RequestTag | null;
  /** The raw request line, kept (length-capped) only when tag is set. */
  raw: string;
  /** True when the line held invalid UTF-8 that was replaced by U+FFFD. */
  badUtf8: boolean;
}

/** Counts of what happened to every line read: parsed, or skipped with a reason. */
export interface LineCounts {
  read: number;
  parsed: number;
  skipped: Record<string, number>;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Verdict = 'none' | 'low' | 'elevated' | 'high' | 'critical';

/** One signature that fired for an actor, with the ids of the requests that made it fire. */
export interface SignatureHit {
  ruleId: string;
  /** Rules in the same family count once per actor: the strongest one wins. */
  family: string;
  /** Behaviour label from data/taxonomy.yaml (the site's "why listed" text). */
  label: string;
  title: string;
  description: string;
  points: number;
  severity: Severity;
  /** How many requests matched (may exceed requestIds.length, which is capped). */
  count: number;
  firstTs: number;
  lastTs: number;
  requestIds: number[];
}

export interface ScoreResult {
  /** Sum of points, capped at 100. The page's breakdown adds up to exactly this. */
  score: number;
  /** Sum before the cap, so the page can say "capped at 100". */
  rawSum: number;
  verdict: Verdict;
  signatures: SignatureHit[];
}

export type NetworkType = 'hosting' | 'residential' | 'mobile' | 'education' | 'cdn-proxy-vpn' | 'tor' | 'unknown';

export interface GeoInfo {
  country: string | null; // ISO 3166-1 alpha-2, upper case
  countryName: string | null;
  city: string | null;
  region: string | null;
  asn: number | null;
  org: string | null;
  networkType: NetworkType;
  networkReason: string | null;
  /** Which database answered, e.g. "DB-IP Lite City 2026-06". */
  source: string | null;
}

export type DnsblStatus = 'listed' | 'not_listed' | 'error' | 'skipped';

export interface DnsblResult {
  zone: string;
  status: DnsblStatus;
  /** For listed: the code meaning; for error: what went wrong; for skipped: why. */
  meaning: string;
  /** Answer codes as returned (127.0.0.x), '' when none. */
  codes: string;
  /** Whether this listing counts as abuse evidence (policy lists such as PBL do not). */
  abuse: boolean;
  checkedAt: number;
}
