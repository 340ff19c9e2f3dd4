import type { Hit } from '../core/types.ts';
import { decodeLogEscapes } from './decode-log-escapes.ts';
import { splitRequestInto } from './split-request-line.ts';

// What every layout's parser produces, and the shared last step: a request line → request fields.
// A parser allocates one object per line, the hit itself, and fills it in place.

/** A parsed line before it is stored (the snapshot assigns the id). */
export type ParsedHit = Omit<Hit, 'id'>;

/** Header values that may name the client behind a trusted proxy; filled in by a parser when the layout has them. */
export interface ClientHeaders {
  forwardedFor: string | null;
  realIp: string | null;
  /** A CDN's single-address header (CF-Connecting-IP, True-Client-IP, Fastly-Client-IP…). */
  cdnIp: string | null;
}

export function emptyHeaders(): ClientHeaders {
  return { forwardedFor: null, realIp: null, cdnIp: null };
}

/**
 * Reads one line (no newline): the hit, or the id of the reason it was skipped (`malformed`,
 * `bad-address`…; a constant string, so a failure allocates nothing). When `headers` is given, the
 * client headers the layout logs are written into it.
 */
export type LineParser = (line: string, headers: ClientHeaders | null) => ParsedHit | string;

/** A line without a time of its own (some JSON layouts): the reader dates it (see ingest-files.ts). */
export const NO_TIME = -1;

/** A hit with every field at its empty value, always built in the same shape (one hidden class). */
export function newHit(ip: string, ts: number): ParsedHit {
  return { ip, ts, method: '', target: '', protocol: '', status: 0, bytes: 0, referer: '', ua: '', host: '', tag: null, raw: '', badUtf8: false };
}

/**
 * The request line as logged → method/target/protocol or a tag. `escaped`: the text still holds log
 * escapes (`\"`, `\xHH`), decoded only now that the line has been split. Bad bytes inside a junk
 * request are the junk itself and do not flag the hit.
 */
export function setRequestLine(hit: ParsedHit, raw: string, escaped: boolean): void {
  if (!escaped || raw.indexOf('\\') < 0) {
    splitRequestInto(hit, raw, raw);
    return;
  }
  const d = decodeLogEscapes(raw);
  splitRequestInto(hit, raw, d.text);
  if (d.badUtf8 && hit.tag === null) hit.badUtf8 = true;
}
