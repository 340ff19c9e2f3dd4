import { canonicalIp } from '../core/ip.ts';
import type { ParseResult } from './build-hit.ts';
import { decodeLogEscapes } from './decode-log-escapes.ts';
import { CLF_TIME_LENGTH, parseClfTime } from './parse-clf-time.ts';
import { splitRequestLine } from './split-request-line.ts';

// Apache/nginx `common`, `combined` and `vhost_combined` lines, scanned field by field with indexOf
// (no regex: this runs on every line, and a backtracking regex on hostile input is a denial of service).
//   common:         %h %l %u %t "%r" %>s %b
//   combined:       common + "%{Referer}i" "%{User-Agent}i"   (anything after is ignored)
//   vhost_combined: %v:%p + ' ' + combined

export type LineFormat = 'combined' | 'common' | 'vhost_combined';

export type { ParseResult } from './build-hit.ts';

const QUOTE = 34;
const SPACE = 32;
const BACKSLASH = 92;

/** Parse one log line (without its newline). Failure reasons are short stable ids. */
export function parseLine(line: string, format: LineFormat): ParseResult {
  return parseFields(line, format, null);
}

/**
 * parseLine, also returning the quoted field right after the user agent of a `combined` line:
 * `"$http_x_forwarded_for"` in the layout used behind reverse proxies. Null when there is none.
 */
export function parseLineWithForwardedFor(line: string, format: LineFormat): { result: ParseResult; forwardedFor: string | null } {
  const extra = { forwardedFor: null as string | null };
  const result = parseFields(line, format, extra);
  return { result, forwardedFor: extra.forwardedFor };
}

/** parseLine writing the `"$http_x_forwarded_for"` field after the user agent (if any) into `extra`. */
export function parseFields(line: string, format: LineFormat, extra: { forwardedFor: string | null } | null): ParseResult {
  if (format !== 'vhost_combined') return parseClf(line, format, extra);
  const sp = line.indexOf(' ');
  if (sp <= 0) return line.length === 0 ? fail('blank') : fail('malformed');
  const r = parseClf(line.slice(sp + 1), 'combined', extra);
  if (r.ok) r.hit.host = withoutPort(line.slice(0, sp));
  return r;
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

function parseClf(line: string, format: 'combined' | 'common', extra: { forwardedFor: string | null } | null): ParseResult {
  if (line.length === 0) return fail('blank');
  const sp = line.indexOf(' ');
  if (sp <= 0) return fail('malformed');
  const ip = cachedCanonicalIp(line.slice(0, sp));
  if (ip === null) return fail('bad-address');

  // %l and %u sit between the address and the time; %u is client-supplied, so only '[' is trusted
  const tOpen = line.indexOf('[', sp);
  if (tOpen < 0) return fail('malformed');
  const tClose = tOpen + 1 + CLF_TIME_LENGTH;
  if (line.charCodeAt(tClose) !== 93) return fail('bad-time');
  const ts = parseClfTime(line.slice(tOpen + 1, tClose));
  if (ts === null) return fail('bad-time');

  if (line.charCodeAt(tClose + 1) !== SPACE || line.charCodeAt(tClose + 2) !== QUOTE) return fail('malformed');
  const rStart = tClose + 3;
  const rEnd = requestEnd(line, rStart);
  if (rEnd < 0) return fail('malformed');

  let p = rEnd + 2;
  let end = tokenEnd(line, p);
  const status = digits(line, p, end);
  if (status < 0 || end - p > 3) return fail('bad-status');
  p = end + 1;
  end = tokenEnd(line, p);
  if (p > line.length) return fail('malformed');
  let bytes: number;
  if (end - p === 1 && line.charCodeAt(p) === 0x2d) bytes = 0;
  else {
    bytes = end - p > 15 ? -1 : digits(line, p, end);
    if (bytes < 0) return fail('bad-bytes');
  }

  let referer = '';
  let ua = '';
  let badUtf8 = false;
  if (format === 'combined' && end < line.length) {
    // both fields are optional at the end of the line: some writers stop after %b
    const ref = quotedAt(line, end + 1);
    if (ref === null) return fail('malformed');
    const r = decodeField(line.slice(end + 2, ref));
    referer = r.text;
    badUtf8 ||= r.badUtf8;
    if (ref + 1 < line.length) {
      const uaEnd = quotedAt(line, ref + 2);
      if (uaEnd === null) return fail('malformed');
      const u = decodeField(line.slice(ref + 3, uaEnd));
      ua = u.text;
      badUtf8 ||= u.badUtf8;
      if (extra && uaEnd + 2 < line.length) {
        const xffEnd = quotedAt(line, uaEnd + 2);
        if (xffEnd !== null) extra.forwardedFor = decodeField(line.slice(uaEnd + 3, xffEnd)).text;
      }
    }
  }

  const rawRequest = line.slice(rStart, rEnd);
  const req = decodeLogEscapes(rawRequest);
  const parts = splitRequestLine(rawRequest, req.text);
  return {
    ok: true,
    hit: {
      ip, ts,
      method: parts.method, target: parts.target, protocol: parts.protocol,
      status, bytes, referer, ua, host: '',
      tag: parts.tag, raw: parts.raw,
      badUtf8: badUtf8 || (parts.tag === null && req.badUtf8),
    },
  };
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

/** Referer and user agent: '-' means absent. */
function decodeField(raw: string): { text: string; badUtf8: boolean } {
  if (raw === '-') return { text: '', badUtf8: false };
  return decodeLogEscapes(raw);
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

/** `"…"` starting at `at` (which must be a quote), ending at an unescaped quote followed by a space or the end. */
function quotedAt(line: string, at: number): number | null {
  if (line.charCodeAt(at) !== QUOTE) return null;
  let q = unescapedQuote(line, at + 1);
  while (q >= 0) {
    if (q + 1 === line.length || line.charCodeAt(q + 1) === SPACE) return q;
    q = unescapedQuote(line, q + 1);
  }
  return null;
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
