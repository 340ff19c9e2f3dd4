import { isUtf8 } from 'node:buffer';
import { PilloryError } from '../core/errors.ts';
import { NO_TIME, newHit, setRequestLine, type ClientHeaders, type LineParser, type ParsedHit } from './build-hit.ts';
import { requestPartsInto } from './split-request-line.ts';
import { GENERIC_JSON_FIELDS, JSON_FIELDS, type JsonField, type JsonFieldMap } from './json-fields.ts';
import { epochToMs, parseIsoTime } from './parse-iso-time.ts';
import { CLF_TIME_LENGTH, parseClfTime } from './parse-clf-time.ts';
import { cachedCanonicalIp, digits } from './parse-line.ts';

// JSON-lines access logs. nginx `escape=json` writes real JSON; nginx `escape=default` (the default!)
// writes `\xHH` for quotes, backslashes and bytes ≥ 0x7F, which JSON.parse rejects: those runs are
// decoded to bytes, read as UTF-8 (invalid → U+FFFD, flagged) and re-escaped before parsing.
// Which key holds what is a field map (json-fields.ts): a preset, with the operator's own keys over it.

/** One candidate location: the key as written (`request.headers.User-Agent`) and its dot-separated parts. */
interface Path { key: string; parts: readonly string[] }
type Compiled = Record<JsonField, Path[]>;

function compileMap(map: JsonFieldMap): Compiled {
  const out = {} as Compiled;
  for (const k of JSON_FIELDS) {
    const v = map[k];
    const list = v === undefined ? [] : typeof v === 'string' ? [v] : v;
    out[k] = list.map((key) => ({ key, parts: key.split('.') }));
  }
  return out;
}

/** Validate an operator's field map (unknown keys are a config error) and put it over `base`. */
export function jsonFieldMapOf(custom: Record<string, string | readonly string[]>, base: JsonFieldMap = GENERIC_JSON_FIELDS): JsonFieldMap {
  for (const k of Object.keys(custom)) {
    if (!(JSON_FIELDS as readonly string[]).includes(k)) {
      throw new PilloryError('CONFIG_LOG_FORMAT', `jsonFields: unknown key "${k}"; known: ${JSON_FIELDS.join(', ')}`);
    }
  }
  return { ...base, ...custom };
}

/** The first candidate present with a non-empty value; a key containing dots is tried whole first. */
function lookup(obj: Record<string, unknown>, paths: Path[]): unknown {
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    let v: unknown;
    if (Object.hasOwn(obj, path.key)) v = obj[path.key];
    else if (path.parts.length > 1) {
      v = obj;
      for (const key of path.parts) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) { v = undefined; break; }
        v = Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
      }
    }
    if (Array.isArray(v)) v = v.length ? v.join(', ') : undefined; // Caddy logs headers as arrays
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/**
 * nginx escape=default → JSON: each run of `\xHH` becomes the UTF-8 text of its bytes, JSON-escaped.
 * Other escapes are left alone. Null when nothing was rewritten.
 */
export function rewriteHexEscapes(line: string): { text: string; badUtf8: boolean } | null {
  if (line.indexOf('\\x') < 0) return null;
  let out = '';
  let last = 0;
  let badUtf8 = false;
  let changed = false;
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) !== 92) continue;
    if (line.charCodeAt(i + 1) !== 120) { i++; continue; } // another escape: skip its letter (\\ included)
    const bytes: number[] = [];
    let j = i;
    while (line.charCodeAt(j) === 92 && line.charCodeAt(j + 1) === 120) {
      const b = hexByte(line, j + 2);
      if (b < 0) break;
      bytes.push(b);
      j += 4;
    }
    if (bytes.length === 0) { i++; continue; }
    const buf = Buffer.from(bytes);
    const text = buf.toString('utf8');
    if (!isUtf8(buf)) badUtf8 = true;
    out += line.slice(last, i) + JSON.stringify(text).slice(1, -1);
    last = j;
    i = j - 1;
    changed = true;
  }
  return changed ? { text: out + line.slice(last), badUtf8 } : null;
}

function hexByte(s: string, at: number): number {
  const h = hex(s.charCodeAt(at));
  const l = hex(s.charCodeAt(at + 1));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}
function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Parse a JSON access-log line with a field map. Text before the object (a syslog header, a container
 * runtime's `<time> stdout F `) is skipped: the object starts at the first `{`.
 */
export function jsonLineParser(map: JsonFieldMap): LineParser {
  const m = compileMap(map);
  return (line: string, headers: ClientHeaders | null): ParsedHit | string => {
    if (line.length === 0) return 'blank';
    let text = line;
    if (line.charCodeAt(0) !== 123) { // {
      const brace = line.indexOf('{');
      if (brace < 0) return 'malformed';
      text = line.slice(brace);
    }
    let badUtf8 = false;
    // valid JSON has no `\x`: such a line is nginx escape=default, rewritten before the one parse
    if (text.indexOf('\\x') >= 0) {
      const rw = rewriteHexEscapes(text);
      if (rw !== null) { text = rw.text; badUtf8 = rw.badUtf8; }
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return 'malformed';
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'malformed';
    const o = obj as Record<string, unknown>;
    const ipRaw = lookup(o, m.ip);
    const ip = typeof ipRaw === 'string' ? cachedCanonicalIp(ipRaw) : null;
    if (ip === null) return 'bad-address';
    const t = lookup(o, m.time);
    let ts: number | null = NO_TIME;
    if (t !== undefined) {
      ts = timeOf(t);
      if (ts === null) return 'bad-time';
    }
    const hit = newHit(ip, ts);
    hit.badUtf8 = badUtf8;
    const st = lookup(o, m.status);
    if (st !== undefined) {
      hit.status = intOf(st);
      if (hit.status < 0 || hit.status > 999) return 'bad-status';
    }
    const by = lookup(o, m.bytes);
    if (by !== undefined && by !== '-') {
      hit.bytes = intOf(by);
      if (hit.bytes < 0) return 'bad-bytes';
    }
    hit.referer = dash(lookup(o, m.referer));
    hit.ua = dash(lookup(o, m.ua));
    hit.host = dash(lookup(o, m.host));
    const request = lookup(o, m.request);
    if (typeof request === 'string') setRequestLine(hit, request, false);
    else {
      let target = str(lookup(o, m.target));
      const query = str(lookup(o, m.query));
      if (query !== '' && query !== '-' && target !== '' && target.indexOf('?') < 0) target += query.charCodeAt(0) === 63 ? query : `?${query}`;
      requestPartsInto(hit, str(lookup(o, m.method)), target, str(lookup(o, m.protocol)));
    }
    if (headers) {
      headers.forwardedFor = dash(lookup(o, m.forwardedFor)) || null;
      headers.realIp = dash(lookup(o, m.realIp)) || null;
      headers.cdnIp = dash(lookup(o, m.cdnIp)) || null;
    }
    return hit;
  };
}

function timeOf(v: unknown): number | null {
  if (typeof v === 'number') return epochToMs(v);
  if (typeof v !== 'string') return null;
  if (v.length === CLF_TIME_LENGTH + 2 && v.charCodeAt(0) === 91) return parseClfTime(v.slice(1, -1));
  if (v.length === CLF_TIME_LENGTH && v.charCodeAt(2) === 47) return parseClfTime(v);
  if (v.charCodeAt(4) === 45) return parseIsoTime(v);
  return v.length <= 24 && isDecimal(v) ? epochToMs(Number(v)) : null;
}

/** Digits with at most one '.', not at either end (`1711741827.962`). */
function isDecimal(s: string): boolean {
  let dot = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot < 0 && i > 0 && i < s.length - 1) { dot = i; continue; }
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : -1;
  if (typeof v === 'string' && v.length <= 15) return digits(v, 0, v.length);
  return -1;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
function dash(v: unknown): string {
  const s = str(v);
  return s === '-' ? '' : s;
}
