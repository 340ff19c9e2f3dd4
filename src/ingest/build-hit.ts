import type { Hit } from '../core/types.ts';
import { decodeLogEscapes } from './decode-log-escapes.ts';
import { splitRequestLine } from './split-request-line.ts';

// The shared last step of every layout: a request line (or its parts) plus the other fields → a Hit.

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

export type ParseResult = { ok: true; hit: Omit<Hit, 'id'> } | { ok: false; reason: string };

/** Reads one line (no newline) into a hit; when `headers` is given, client headers are written into it. */
export type LineParser = (line: string, headers: ClientHeaders | null) => ParseResult;

/** A line without a time of its own (some JSON layouts): the reader dates it (see ingest-files.ts). */
export const NO_TIME = -1;

export interface HitFields {
  ip: string;
  ts: number;
  /** The request line as logged (escapes not decoded), or null when the layout logs method/target apart. */
  request: string | null;
  /** Whether `request` still holds log escapes (text layouts) or is already plain text (JSON). */
  requestEscaped: boolean;
  method: string;
  target: string;
  protocol: string;
  status: number;
  bytes: number;
  referer: string;
  ua: string;
  host: string;
  badUtf8: boolean;
}

export function hitFromFields(f: HitFields): Omit<Hit, 'id'> {
  if (f.request !== null) {
    let decoded = f.request;
    let bad = false;
    if (f.requestEscaped) {
      const d = decodeLogEscapes(f.request);
      decoded = d.text;
      bad = d.badUtf8;
    }
    const parts = splitRequestLine(f.request, decoded);
    return {
      ip: f.ip, ts: f.ts,
      method: parts.method, target: parts.target, protocol: parts.protocol,
      status: f.status, bytes: f.bytes, referer: f.referer, ua: f.ua, host: f.host,
      tag: parts.tag, raw: parts.raw,
      badUtf8: f.badUtf8 || (parts.tag === null && bad),
    };
  }
  if (f.method === '' && f.target === '') {
    return { ip: f.ip, ts: f.ts, method: '', target: '', protocol: f.protocol, status: f.status, bytes: f.bytes,
      referer: f.referer, ua: f.ua, host: f.host, tag: 'no-request', raw: '', badUtf8: f.badUtf8 };
  }
  // method and target logged apart: rebuild the line so junk is tagged the same way as in text logs
  const line = f.protocol ? `${f.method} ${f.target} ${f.protocol}` : `${f.method} ${f.target}`;
  const parts = splitRequestLine(line, line);
  return {
    ip: f.ip, ts: f.ts,
    method: parts.method, target: parts.target, protocol: parts.protocol,
    status: f.status, bytes: f.bytes, referer: f.referer, ua: f.ua, host: f.host,
    tag: parts.tag, raw: parts.raw, badUtf8: f.badUtf8,
  };
}
