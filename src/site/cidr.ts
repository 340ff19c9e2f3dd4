// Smallest set of CIDR blocks covering exactly the given addresses and networks (one family at a
// time). Inputs are canonical actor keys: "192.0.2.10", "2001:db8::1", "2001:db8:1:2::/64".
import { compressIPv6, expandIPv6 } from '../core/ip.ts';

interface Range { lo: bigint; hi: bigint }

function parse(key: string): { family: 4 | 6; lo: bigint; bits: number } | null {
  const [addr = '', len] = key.split('/');
  if (addr.includes(':')) {
    const g = expandIPv6(addr);
    if (!g) return null;
    const bits = len === undefined ? 128 : Number(len);
    return { family: 6, lo: g.reduce((n, x) => (n << 16n) | BigInt(x), 0n), bits };
  }
  const o = addr.split('.').map(Number);
  if (o.length !== 4 || o.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return null;
  const bits = len === undefined ? 32 : Number(len);
  return { family: 4, lo: o.reduce((n, x) => (n << 8n) | BigInt(x), 0n), bits };
}

function format(family: 4 | 6, n: bigint, bits: number): string {
  if (family === 4) {
    const s = [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.');
    return bits === 32 ? s : `${s}/${bits}`;
  }
  const g = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((sh) => Number((n >> sh) & 0xffffn));
  const s = compressIPv6(g);
  return bits === 128 ? s : `${s}/${bits}`;
}

/** Aggregated CIDR list of one family, sorted by address; single addresses are written without a length. */
export function aggregateCidrs(keys: readonly string[], family: 4 | 6): string[] {
  const width = family === 4 ? 32 : 128;
  const ranges: Range[] = [];
  for (const k of keys) {
    const p = parse(k);
    if (!p || p.family !== family || !Number.isInteger(p.bits) || p.bits < 0 || p.bits > width) continue;
    const size = 1n << BigInt(width - p.bits);
    const lo = (p.lo / size) * size;
    ranges.push({ lo, hi: lo + size - 1n });
  }
  ranges.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) last.hi = r.hi;
    } else merged.push({ ...r });
  }
  const out: string[] = [];
  for (const r of merged) {
    let lo = r.lo;
    while (lo <= r.hi) {
      // the largest aligned block starting at lo that stays inside the range
      let bits = width;
      while (bits > 0) {
        const size = 1n << BigInt(width - bits + 1);
        if (lo % size !== 0n || lo + size - 1n > r.hi) break;
        bits--;
      }
      out.push(format(family, lo, bits));
      lo += 1n << BigInt(width - bits);
    }
  }
  return out;
}
