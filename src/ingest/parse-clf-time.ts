// Common Log Format time, `10/Oct/2000:13:55:36 -0700`, to epoch ms UTC. Hand-parsed because it runs
// once per line (Date.parse is slow and accepts far more than this one layout).

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Length of `dd/Mon/yyyy:HH:MM:SS +hhmm`. */
export const CLF_TIME_LENGTH = 26;

// Consecutive lines nearly always share the date, hour, minute and offset: remember the last minute
// so most lines only need their seconds read.
let lastHead = '';
let lastTail = '';
let lastMinuteMs = 0;

/** Parse the text between `[` and `]`; null when it is not a valid CLF time. */
export function parseClfTime(s: string): number | null {
  return s.length === CLF_TIME_LENGTH ? parseClfTimeAt(s, 0) : null;
}

/** parseClfTime of line[at, at + CLF_TIME_LENGTH), read in place (no substring per line). */
export function parseClfTimeAt(line: string, at: number): number | null {
  if (line.length < at + CLF_TIME_LENGTH) return null;
  if (lastHead !== '' && line.startsWith(lastHead, at) && line.startsWith(lastTail, at + 20) && line.charCodeAt(at + 17) === 58) {
    const second = num(line, at + 18, 2);
    if (second >= 0 && second <= 60) return lastMinuteMs + second * 1000;
  }
  const ms = parseFull(line, at);
  if (ms !== null) {
    lastHead = line.slice(at, at + 17);
    lastTail = line.slice(at + 20, at + CLF_TIME_LENGTH);
    lastMinuteMs = ms - num(line, at + 18, 2) * 1000;
  }
  return ms;
}

function parseFull(s: string, at: number): number | null {
  if (s.charCodeAt(at + 2) !== 47 || s.charCodeAt(at + 6) !== 47 || s.charCodeAt(at + 11) !== 58 || s.charCodeAt(at + 14) !== 58
    || s.charCodeAt(at + 17) !== 58 || s.charCodeAt(at + 20) !== 32) return null;
  const day = num(s, at, 2);
  const month = MONTHS[s.slice(at + 3, at + 6)];
  const year = num(s, at + 7, 4);
  const hour = num(s, at + 12, 2);
  const minute = num(s, at + 15, 2);
  const second = num(s, at + 18, 2);
  const sign = s.charCodeAt(at + 21);
  const offH = num(s, at + 22, 2);
  const offM = num(s, at + 24, 2);
  if (month === undefined || day < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
    || second < 0 || second > 60 || offH < 0 || offH > 23 || offM < 0 || offM > 59) return null;
  if (day > DAYS_IN_MONTH[month]! || (month === 2 && day === 29 && !isLeap(year))) return null;
  if (sign !== 43 && sign !== 45) return null; // + or -
  const offsetMin = (offH * 60 + offM) * (sign === 45 ? -1 : 1);
  const local = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
  return (local - offsetMin * 60) * 1000;
}

/** Digits at s[at..at+len) as a number, -1 when any is not a digit. */
function num(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
