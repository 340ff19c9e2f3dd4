import type { Hit } from '../core/types.ts';

// What matchers look at: lower-cased, percent-decoded fields of one request. Built once per request.

/** Longest target/UA/referer examined; longer input is cut, never fed whole to a regex. */
export const MAX_FIELD = 8192;

export interface RequestView {
  hit: Hit;
  /** Decoded, lower-case path without query; absolute-form targets lose scheme and host. */
  path: string;
  /** Decoded, lower-case query (without '?'), '+' read as a space. */
  query: string;
  /** Decoded, lower-case whole target. */
  target: string;
  ua: string;
  referer: string;
  /**
   * Everything else the log recorded about the request, decoded and lower-cased, joined by newlines:
   * the protocol field, the virtual host (formats that log it) and, for request lines that were not
   * HTTP, the raw line as sent (a bare "${jndi:…}" request line is one of those).
   */
  rest: string;
}

const PCT = /%([0-9a-f]{2})/gi;

/** Percent-decodes twice (double encoding is a classic filter evasion), byte by byte, never throwing. */
export function decodeForMatch(s: string): string {
  let out = s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
  for (let i = 0; i < 2 && out.includes('%'); i++) {
    out = out.replace(PCT, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return out;
}

export function viewOf(hit: Hit): RequestView {
  const t = targetFields(hit.target);
  return { hit, path: t.path, query: t.query, target: t.target, ua: matchText(hit.ua), referer: matchText(hit.referer), rest: restOf(hit) };
}

/** The decoded, lower-cased form of one free-text field (user agent, referer) as matchers see it. */
export function matchText(s: string): string {
  return decodeForMatch(s).toLowerCase();
}

/** The three fields matchers read from a request target; a function of the target alone, so callers may cache it. */
export function targetFields(target: string): Pick<RequestView, 'path' | 'query' | 'target'> {
  let raw = target.length > MAX_FIELD ? target.slice(0, MAX_FIELD) : target;
  const abs = /^[a-z][a-z0-9+.-]{0,15}:\/\/[^/?#]*/i.exec(raw);
  if (abs) raw = raw.slice(abs[0].length) || '/';
  const q = raw.indexOf('?');
  const rawPath = q >= 0 ? raw.slice(0, q) : raw;
  const rawQuery = q >= 0 ? raw.slice(q + 1) : '';
  return {
    path: decodeForMatch(rawPath).toLowerCase(),
    query: decodeForMatch(rawQuery.replace(/\+/g, ' ')).toLowerCase(),
    target: decodeForMatch(raw).toLowerCase(),
  };
}

/** The `rest` field: a function of the protocol, virtual host, tag and raw line alone (callers may cache it). */
export function restOf(hit: Pick<Hit, 'protocol' | 'host' | 'tag' | 'raw'>): string {
  const parts = [hit.protocol, hit.host, hit.tag ? unescapeLogged(hit.raw) : ''].filter((p) => p !== '');
  return parts.length === 0 ? '' : decodeForMatch(parts.join('\n')).toLowerCase();
}

/** A raw request line keeps the log's own escapes (\x16, \"): undo them so "\x24{jndi:" reads as "${jndi:". */
function unescapeLogged(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(["\\])/g, '$1') : raw;
}

/** Every field the `anywhere_*` matchers search, in a fixed order. */
export function anywhereFields(v: RequestView): readonly string[] {
  return [v.target, v.ua, v.referer, v.rest];
}

/** The path as "the same resource": no trailing slashes (but "/" stays "/"). */
export function normalPath(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}
