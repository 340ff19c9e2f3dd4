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
  if (s.length !== CLF_TIME_LENGTH) return null;
  if (lastHead !== '' && s.startsWith(lastHead) && s.endsWith(lastTail) && s.charCodeAt(17) === 58) {
    const second = num(s, 18, 2);
    if (second >= 0 && second <= 60) return lastMinuteMs + second * 1000;
  }
  const ms = parseFull(s);
  if (ms !== null) {
    lastHead = s.slice(0, 17);
    lastTail = s.slice(20);
    lastMinuteMs = ms - num(s, 18, 2) * 1000;
  }
  return ms;
}

function parseFull(s: string): number | null {
  if (s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58 || s.charCodeAt(14) !== 58
    || s.charCodeAt(17) !== 58 || s.charCodeAt(20) !== 32) return null;
  const day = num(s, 0, 2);
  const month = MONTHS[s.slice(3, 6)];
  const year = num(s, 7, 4);
  const hour = num(s, 12, 2);
  const minute = num(s, 15, 2);
  const second = num(s, 18, 2);
  const sign = s.charCodeAt(21);
  const offH = num(s, 22, 2);
  const offM = num(s, 24, 2);
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
