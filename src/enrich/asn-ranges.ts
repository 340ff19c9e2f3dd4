import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandIPv6, ipFamily } from '../core/ip.ts';

// The @ip-location-db/asn CSVs (start,end,asn,org in numeric form) held as sorted typed arrays:
// ~410k IPv4 and ~100k IPv6 rows take a few MB this way instead of ~100 MB of objects, and a
// lookup is one binary search.

export interface AsnHit { asn: number; org: string | null }

export interface AsnRanges {
  lookup(canonical: string): AsnHit | null;
  rows: number;
  loadMs: number;
}

interface Table4 { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array }
interface Table6 { startHi: BigUint64Array; startLo: BigUint64Array; endHi: BigUint64Array; endLo: BigUint64Array; asn: Uint32Array; org: Uint32Array }

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;

/** Split one CSV line into start, end, asn and the (possibly quoted) organisation. */
function splitRow(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"') && org.endsWith('"') && org.length >= 2) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

function eachLine(text: string, fn: (line: string) => void): void {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.charCodeAt(nl - 1) === 13 ? text.slice(pos, nl - 1) : text.slice(pos, nl);
    if (line.length > 0) fn(line);
    pos = nl + 1;
  }
}

function orgIndexer(orgs: string[]): (org: string) => number {
  const index = new Map<string, number>();
  return (org) => {
    let i = index.get(org);
    if (i === undefined) {
      i = orgs.length;
      // a copy, not a slice: a sliced string would keep the whole 20 MB file text alive
      orgs.push(Buffer.from(org, 'utf8').toString('utf8'));
      index.set(org, i);
    }
    return i;
  };
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// Rows go straight into typed arrays (no per-row objects), so peak memory stays near the file size.
function load4(text: string, orgOf: (o: string) => number): Table4 {
  const cap = countLines(text);
  const t: Table4 = { start: new Uint32Array(cap), end: new Uint32Array(cap), asn: new Uint32Array(cap), org: new Uint32Array(cap) };
  let n = 0;
  let sorted = true;
  eachLine(text, (line) => {
    const row = splitRow(line);
    if (!row) return;
    const s = Number(row[0]);
    const e = Number(row[1]);
    const a = Number(row[2]);
    if (!Number.isInteger(s) || !Number.isInteger(e) || !Number.isInteger(a) || e < s || e > 0xffffffff) return;
    if (n > 0 && t.start[n - 1]! > s) sorted = false;
    t.start[n] = s; t.end[n] = e; t.asn[n] = a; t.org[n] = orgOf(row[3]);
    n++;
  });
  const cut: Table4 = { start: t.start.slice(0, n), end: t.end.slice(0, n), asn: t.asn.slice(0, n), org: t.org.slice(0, n) };
  if (sorted) return cut;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => cut.start[i]! - cut.start[j]!);
  return {
    start: Uint32Array.from(order, (i) => cut.start[i]!), end: Uint32Array.from(order, (i) => cut.end[i]!),
    asn: Uint32Array.from(order, (i) => cut.asn[i]!), org: Uint32Array.from(order, (i) => cut.org[i]!),
  };
}

function load6(text: string, orgOf: (o: string) => number): Table6 {
  const cap = countLines(text);
  const t: Table6 = {
    startHi: new BigUint64Array(cap), startLo: new BigUint64Array(cap), endHi: new BigUint64Array(cap), endLo: new BigUint64Array(cap),
    asn: new Uint32Array(cap), org: new Uint32Array(cap),
  };
  let n = 0;
  let prev = -1n;
  let sorted = true;
  eachLine(text, (line) => {
    const row = splitRow(line);
    if (!row || !/^\d{1,39}$/.test(row[0]) || !/^\d{1,39}$/.test(row[1])) return;
    const s = BigInt(row[0]);
    const e = BigInt(row[1]);
    const a = Number(row[2]);
    if (!Number.isInteger(a) || e < s || e > MASK128) return;
    if (s < prev) sorted = false;
    prev = s;
    t.startHi[n] = s >> 64n; t.startLo[n] = s & MASK64; t.endHi[n] = e >> 64n; t.endLo[n] = e & MASK64;
    t.asn[n] = a; t.org[n] = orgOf(row[3]);
    n++;
  });
  const order = Array.from({ length: n }, (_, i) => i);
  if (!sorted) {
    order.sort((i, j) => {
      if (t.startHi[i]! !== t.startHi[j]!) return t.startHi[i]! < t.startHi[j]! ? -1 : 1;
      return t.startLo[i]! < t.startLo[j]! ? -1 : t.startLo[i]! > t.startLo[j]! ? 1 : 0;
    });
  }
  return {
    startHi: BigUint64Array.from(order, (i) => t.startHi[i]!), startLo: BigUint64Array.from(order, (i) => t.startLo[i]!),
    endHi: BigUint64Array.from(order, (i) => t.endHi[i]!), endLo: BigUint64Array.from(order, (i) => t.endLo[i]!),
    asn: Uint32Array.from(order, (i) => t.asn[i]!), org: Uint32Array.from(order, (i) => t.org[i]!),
  };
}

/** Index of the last row whose start ≤ key, or -1. */
function lastAtOrBelow(n: number, startLe: (i: number) => boolean): number {
  let lo = 0;
  let hi = n - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (startLe(mid)) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

function ipv4Number(canonical: string): number {
  const o = canonical.split('.').map(Number);
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

/** Load the -num CSV files from the package folder (synchronous: called once, lazily). */
export function loadAsnRanges(dir: string): AsnRanges {
  const t0 = performance.now();
  const orgs: string[] = [];
  const orgOf = orgIndexer(orgs);
  const v4 = load4(readFileSync(join(dir, 'asn-ipv4-num.csv'), 'utf8'), orgOf);
  const v6 = load6(readFileSync(join(dir, 'asn-ipv6-num.csv'), 'utf8'), orgOf);
  const loadMs = Math.round(performance.now() - t0);
  const hit = (asn: number, org: number): AsnHit | null => (asn > 0 ? { asn, org: orgs[org] || null } : null);

  return {
    rows: v4.start.length + v6.startHi.length,
    loadMs,
    lookup(canonical) {
      if (ipFamily(canonical) === 4) {
        const key = ipv4Number(canonical);
        const i = lastAtOrBelow(v4.start.length, (m) => v4.start[m]! <= key);
        return i >= 0 && v4.end[i]! >= key ? hit(v4.asn[i]!, v4.org[i]!) : null;
      }
      const g = expandIPv6(canonical);
      if (!g) return null;
      const hi = g.slice(0, 4).reduce((acc, x) => (acc << 16n) | BigInt(x), 0n);
      const lo = g.slice(4).reduce((acc, x) => (acc << 16n) | BigInt(x), 0n);
      const i = lastAtOrBelow(v6.startHi.length, (m) => v6.startHi[m]! < hi || (v6.startHi[m] === hi && v6.startLo[m]! <= lo));
      if (i < 0) return null;
      const inside = v6.endHi[i]! > hi || (v6.endHi[i] === hi && v6.endLo[i]! >= lo);
      return inside ? hit(v6.asn[i]!, v6.org[i]!) : null;
    },
  };
}
