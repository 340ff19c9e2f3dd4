import type { RequestTag } from '../core/types.ts';

// The request line is whatever bytes the client sent before the server gave up. Scanners send TLS
// handshakes and RDP probes to plain-HTTP ports; browsers' pre-connections time out with "-". None of
// these is a parse failure: they become hits with no method/target, a tag, and the raw text kept.

/** How much of an unparseable request line is kept, in UTF-16 units. */
export const RAW_REQUEST_CAP = 256;
const MAX_METHOD = 24;

export interface RequestParts {
  method: string;
  target: string;
  protocol: string;
  tag: RequestTag | null;
  /** The field as written in the log (escapes not decoded), capped; '' when tag is null. */
  raw: string;
}

/** The request fields of a hit, which split functions fill in place (no object per line). */
export type RequestFields = RequestParts;

/**
 * Split a request line. `raw` is the field as logged, `decoded` the same with escapes decoded.
 */
export function splitRequestLine(raw: string, decoded: string): RequestParts {
  const parts: RequestParts = { method: '', target: '', protocol: '', tag: null, raw: '' };
  splitRequestInto(parts, raw, decoded);
  return parts;
}

/** splitRequestLine writing into `out` (a hit): method, target, protocol, tag and raw are all set. */
export function splitRequestInto(out: RequestFields, raw: string, decoded: string): void {
  if (raw === '-') return tagInto(out, 'no-request', raw);
  if (raw === '') return tagInto(out, 'empty-request', raw);
  const c0 = decoded.charCodeAt(0);
  const c1 = decoded.charCodeAt(1);
  if (c0 === 0x16 && c1 === 0x03) return tagInto(out, 'tls-handshake', raw);
  if (c0 === 0x03 && c1 === 0x00) return tagInto(out, 'rdp-probe', raw);

  const sp1 = decoded.indexOf(' ');
  if (sp1 > 0 && sp1 <= MAX_METHOD && isMethod(decoded, sp1)) {
    const spLast = decoded.lastIndexOf(' ');
    if (spLast === sp1) {
      // HTTP/0.9 form, "GET /": only with an origin-form target, or any two words would pass
      if (decoded.charCodeAt(sp1 + 1) === 0x2f) return requestInto(out, decoded.slice(0, sp1), decoded.slice(sp1 + 1), '');
    } else if (decoded.startsWith('HTTP/', spLast + 1) && decoded.length - spLast <= 16 && spLast > sp1 + 1) {
      return requestInto(out, decoded.slice(0, sp1), decoded.slice(sp1 + 1, spLast), decoded.slice(spLast + 1));
    }
  }
  tagInto(out, looksBinary(decoded) ? 'binary' : 'malformed-request', raw);
}

/**
 * Method, target and protocol logged as separate fields (JSON layouts, `$request_method $uri`): taken
 * as they are when they look like a request, otherwise tagged like a junk request line.
 */
export function requestPartsInto(out: RequestFields, method: string, target: string, protocol: string): void {
  if (method === '' && target === '') return tagInto(out, 'no-request', '');
  if (method.length > 0 && method.length <= MAX_METHOD && isMethod(method, method.length) && target !== ''
    && !looksBinary(target) && (protocol === '' || (protocol.startsWith('HTTP/') && protocol.length <= 15))) {
    return requestInto(out, method, target, protocol);
  }
  const line = protocol ? `${method} ${target} ${protocol}` : `${method} ${target}`;
  tagInto(out, looksBinary(line) ? 'binary' : 'malformed-request', line);
}

function requestInto(out: RequestFields, method: string, target: string, protocol: string): void {
  out.method = method.toUpperCase();
  out.target = target;
  out.protocol = protocol;
  out.tag = null;
  out.raw = '';
}

function tagInto(out: RequestFields, tag: RequestTag, raw: string): void {
  out.method = '';
  out.target = '';
  out.protocol = '';
  out.tag = tag;
  out.raw = capRaw(raw);
}

function capRaw(raw: string): string {
  if (raw.length <= RAW_REQUEST_CAP) return raw;
  // never end on half a surrogate pair
  const end = isHighSurrogate(raw.charCodeAt(RAW_REQUEST_CAP - 1)) ? RAW_REQUEST_CAP - 1 : RAW_REQUEST_CAP;
  return raw.slice(0, end);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Letters, `-` and `_` only (M-SEARCH, VERSION_CONTROL…). */
function isMethod(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letter && c !== 0x2d && c !== 0x5f) return false;
  }
  return true;
}

function looksBinary(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}
