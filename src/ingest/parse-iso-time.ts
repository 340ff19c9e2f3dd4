import { daysFromCivil } from './parse-clf-time.ts';

// ISO 8601 / RFC 3339 times as JSON loggers write them: nginx $time_iso8601 (`2026-12-02T23:59:59+00:00`),
// Traefik StartUTC (`2021-12-08T14:02:43.464763557Z`), Envoy (`…T16:37:40.479Z`). Hand-parsed: Date.parse
// accepts far more than this and is slow. A time without a zone is taken as UTC.

const MAX_LEN = 40;

/** Epoch ms UTC of `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM]`, or null. */
export function parseIsoTime(s: string): number | null {
  const len = s.length;
  if (len < 19 || len > MAX_LEN) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return null; // T, space, t
  const year = num(s, 0, 4);
  const month = num(s, 5, 2);
  const day = num(s, 8, 2);
  const hour = num(s, 11, 2);
  const minute = num(s, 14, 2);
  const second = num(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
    || second < 0 || second > 60) return null;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
    i++;
    let scale = 100;
    const start = i;
    for (; i < len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
    }
    if (i === start) return null;
    ms = Math.floor(ms);
  }
  let offsetMin = 0;
  if (i < len) {
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) {
      if (i + 1 !== len) return null;
    } else if (z === 43 || z === 45) {
      const rest = len - i - 1;
      let oh: number;
      let om: number;
      if (rest === 5 && s.charCodeAt(i + 3) === 58) { oh = num(s, i + 1, 2); om = num(s, i + 4, 2); }
      else if (rest === 4) { oh = num(s, i + 1, 2); om = num(s, i + 3, 2); }
      else if (rest === 2) { oh = num(s, i + 1, 2); om = 0; }
      else return null;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
      offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1);
    } else return null;
  }
  const local = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
  return (local - offsetMin * 60) * 1000 + ms;
}

function num(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A numeric epoch in whatever unit the logger chose (Caddy `ts` seconds with a fraction, nginx $msec,
 * milliseconds, micro- or nanoseconds), told apart by magnitude; ms UTC, or null.
 */
export function epochToMs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1e3);
  return Math.round(n / 1e6);
}
