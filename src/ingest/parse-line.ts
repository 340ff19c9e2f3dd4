import { canonicalIp } from '../core/ip.ts';
import { newHit, setRequestLine, type ClientHeaders, type ParsedHit } from './build-hit.ts';
import { decodeLogField } from './decode-log-escapes.ts';
import { CLF_TIME_LENGTH, parseClfTimeAt } from './parse-clf-time.ts';

// Apache/nginx `common`, `combined` and `vhost_combined` lines, scanned field by field with indexOf
// (no regex: this runs on every line, and a backtracking regex on hostile input is a denial of service).
//   common:         %h %l %u %t "%r" %>s %b
//   combined:       common + "%{Referer}i" "%{User-Agent}i"   (anything after is ignored, except below)
//   vhost_combined: %v:%p + ' ' + combined
// Behind a reverse proxy the stock nginx layout adds "$http_x_forwarded_for" after the user agent:
// when the caller asks for client headers, that quoted field is read too.
// Apache's Debian layout writes other_vhosts_access.log as vhost_combined next to a combined
// access.log, so one glob often holds both: a combined line whose first field is a host name
// followed by an address is read as vhost_combined (and the other way round). This is tried only
// after the normal reading failed, so it costs nothing on good lines.

export type LineFormat = 'combined' | 'common' | 'vhost_combined';

/** The convenient, allocating form of a parser's answer (for callers outside the hot path). */
export type ParseResult = { ok: true; hit: ParsedHit } | { ok: false; reason: string };

const QUOTE = 34;
const SPACE = 32;
const BACKSLASH = 92;

/** Parse one log line (without its newline). Failure reasons are short stable ids. */
export function parseLine(line: string, format: LineFormat): ParseResult {
  return resultOf(parseFields(line, format, null));
}

/**
 * parseLine, also returning the quoted field right after the user agent of a `combined` line:
 * `"$http_x_forwarded_for"` in the layout used behind reverse proxies. Null when there is none.
 */
export function parseLineWithForwardedFor(line: string, format: LineFormat): { result: ParseResult; forwardedFor: string | null } {
  const headers: ClientHeaders = { forwardedFor: null, realIp: null, cdnIp: null };
  const result = resultOf(parseFields(line, format, headers));
  return { result, forwardedFor: headers.forwardedFor };
}

export function resultOf(r: ParsedHit | string): ParseResult {
  return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, hit: r };
}

/** The hot-path form: the hit, or a skip reason; the `"$http_x_forwarded_for"` field goes into `headers`. */
export function parseFields(line: string, format: LineFormat, headers: ClientHeaders | null): ParsedHit | string {
  if (line.length === 0) return 'blank';
  if (format === 'vhost_combined') {
    const r = parseVhost(line, headers);
    return r === 'bad-address' && startsWithAddress(line) ? parseClf(line, 0, 'combined', headers) : r;
  }
  const r = parseClf(line, 0, format, headers);
  if (r === 'bad-address' && !startsWithAddress(line)) {
    const v = parseVhost(line, headers);
    if (typeof v !== 'string') return v;
  }
  return r;
}

function parseVhost(line: string, headers: ClientHeaders | null): ParsedHit | string {
  const sp = line.indexOf(' ');
  if (sp <= 0) return 'malformed';
  const r = parseClf(line, sp + 1, 'combined', headers);
  if (typeof r !== 'string') r.host = withoutPort(line.slice(0, sp));
  return r;
}

function startsWithAddress(line: string): boolean {
  const sp = line.indexOf(' ');
  return sp > 0 && cachedCanonicalIp(line.slice(0, sp)) !== null;
}

/** `www.example.com:443` → `www.example.com`; `[2001:db8::1]:80` → `[2001:db8::1]`. */
function withoutPort(hostPort: string): string {
  const colon = hostPort.lastIndexOf(':');
  if (colon <= 0 || colon === hostPort.length - 1 || hostPort.indexOf(']', colon) >= 0) return hostPort;
  for (let i = colon + 1; i < hostPort.length; i++) {
    const c = hostPort.charCodeAt(i);
    if (c < 48 || c > 57) return hostPort;
  }
  return hostPort.slice(0, colon);
}

/** A common/combined line starting at `start` (0, or just after a virtual host). */
function parseClf(line: string, start: number, format: 'combined' | 'common', headers: ClientHeaders | null): ParsedHit | string {
  const sp = line.indexOf(' ', start);
  if (sp <= start) return 'malformed';
  const ip = cachedCanonicalIp(line.slice(start, sp));
  if (ip === null) return 'bad-address';

  // %l and %u sit between the address and the time; %u is client-supplied, so only '[' is trusted
  const tOpen = line.indexOf('[', sp);
  if (tOpen < 0) return 'malformed';
  const tClose = tOpen + 1 + CLF_TIME_LENGTH;
  if (line.charCodeAt(tClose) !== 93) return 'bad-time';
  const ts = parseClfTimeAt(line, tOpen + 1);
  if (ts === null) return 'bad-time';

  if (line.charCodeAt(tClose + 1) !== SPACE || line.charCodeAt(tClose + 2) !== QUOTE) return 'malformed';
  const rStart = tClose + 3;
  const rEnd = requestEnd(line, rStart);
  if (rEnd < 0) return 'malformed';

  let p = rEnd + 2;
  let end = tokenEnd(line, p);
  const status = digits(line, p, end);
  if (status < 0 || end - p > 3) return 'bad-status';
  p = end + 1;
  end = tokenEnd(line, p);
  if (p > line.length) return 'malformed';
  let bytes: number;
  if (end - p === 1 && line.charCodeAt(p) === 0x2d) bytes = 0;
  else {
    bytes = end - p > 15 ? -1 : digits(line, p, end);
    if (bytes < 0) return 'bad-bytes';
  }

  const hit = newHit(ip, ts);
  hit.status = status;
  hit.bytes = bytes;
  if (format === 'combined' && end < line.length) {
    // both fields are optional at the end of the line: some writers stop after %b
    const ref = quotedAt(line, end + 1);
    if (ref < 0) return 'malformed';
    hit.referer = dashless(line, end + 2, ref, hit);
    if (ref + 1 < line.length) {
      const uaEnd = quotedAt(line, ref + 2);
      if (uaEnd < 0) return 'malformed';
      hit.ua = dashless(line, ref + 3, uaEnd, hit);
      if (headers && uaEnd + 2 < line.length) {
        const xffEnd = quotedAt(line, uaEnd + 2);
        if (xffEnd >= 0) headers.forwardedFor = dashless(line, uaEnd + 3, xffEnd, hit);
      }
    }
  }
  setRequestLine(hit, line.slice(rStart, rEnd), true);
  return hit;
}

/** Referer and user agent: '-' means absent. */
function dashless(line: string, from: number, to: number, hit: ParsedHit): string {
  if (to - from === 1 && line.charCodeAt(from) === 0x2d) return '';
  return decodeLogField(line.slice(from, to), hit);
}

/**
 * End of the request field: the first unescaped quote followed by ` <digit>`. Requiring the status
 * after it also recovers lines from writers that did not escape quotes inside the request.
 */
function requestEnd(line: string, from: number): number {
  let q = unescapedQuote(line, from);
  while (q >= 0) {
    const next = line.charCodeAt(q + 2);
    if (line.charCodeAt(q + 1) === SPACE && next >= 48 && next <= 57) return q;
    q = unescapedQuote(line, q + 1);
  }
  return -1;
}

/** `"…"` starting at `at` (which must be a quote), ending at an unescaped quote followed by a space or the end; -1 if none. */
function quotedAt(line: string, at: number): number {
  if (line.charCodeAt(at) !== QUOTE) return -1;
  let q = unescapedQuote(line, at + 1);
  while (q >= 0) {
    if (q + 1 === line.length || line.charCodeAt(q + 1) === SPACE) return q;
    q = unescapedQuote(line, q + 1);
  }
  return -1;
}

/** Index of the next quote not preceded by an odd number of backslashes, or -1. */
export function unescapedQuote(line: string, from: number): number {
  let q = line.indexOf('"', from);
  while (q >= 0) {
    let bs = 0;
    for (let k = q - 1; k >= from && line.charCodeAt(k) === BACKSLASH; k--) bs++;
    if ((bs & 1) === 0) return q;
    q = line.indexOf('"', q + 1);
  }
  return -1;
}

function tokenEnd(line: string, from: number): number {
  const e = line.indexOf(' ', from);
  return e < 0 ? line.length : e;
}

/** Non-negative integer from the digits in line[from..to), -1 when empty or not all digits. */
export function digits(line: string, from: number, to: number): number {
  if (to <= from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// Logs repeat the same few addresses; canonicalising each string once saves most of the per-line cost.
const IP_CACHE_MAX = 8192;
const ipCache = new Map<string, string | null>();

export function cachedCanonicalIp(s: string): string | null {
  if (isCanonicalIPv4(s)) return s;
  const hit = ipCache.get(s);
  if (hit !== undefined) return hit;
  const ip = canonicalIp(s);
  if (ipCache.size >= IP_CACHE_MAX) ipCache.clear();
  ipCache.set(s, ip);
  return ip;
}

/**
 * Fast path for the common case: a dotted quad already in canonical form (no leading zeros), which
 * canonicalIp() would return unchanged. Anything else goes the full way.
 */
export function isCanonicalIPv4(s: string): boolean {
  const len = s.length;
  if (len < 7 || len > 15) return false;
  let dots = 0;
  let octet = 0;
  let digitsInOctet = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digitsInOctet === 0 || ++dots > 3) return false;
      octet = 0;
      digitsInOctet = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return false;
    if (digitsInOctet === 1 && octet === 0) return false; // leading zero
    octet = octet * 10 + d;
    if (++digitsInOctet > 3 || octet > 255) return false;
  }
  return dots === 3 && digitsInOctet > 0;
}
