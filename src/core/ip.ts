import { BlockList, isIPv4, isIPv6 } from 'node:net';

// Addresses arrive as attacker-influenced strings. Everything downstream uses the canonical form from
// canonicalIp(): IPv4 dotted quad, IPv6 RFC 5952 (lower case, longest zero run compressed), IPv4-mapped
// IPv6 unmapped to IPv4, brackets/ports/zone ids removed.

const MAX_ADDR_LEN = 64;

/** Canonical form of an address string, or null when it is not an address. */
export function canonicalIp(input: string): string | null {
  if (!input || input.length > MAX_ADDR_LEN) return null;
  let s = input.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    const rest = s.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    s = s.slice(1, end);
  } else if (isIPv4Port(s)) {
    s = s.slice(0, s.lastIndexOf(':'));
  }
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (isIPv4(s)) return s.split('.').map((o) => String(Number(o))).join('.');
  if (!isIPv6(s)) return null;
  const groups = expandIPv6(s);
  if (!groups) return null;
  // ::ffff:a.b.c.d — the same client as a.b.c.d
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  return compressIPv6(groups);
}

function isIPv4Port(s: string): boolean {
  const i = s.lastIndexOf(':');
  return i > 0 && s.indexOf(':') === i && isIPv4(s.slice(0, i)) && /^\d{1,5}$/.test(s.slice(i + 1));
}

/** Eight 16-bit groups of a valid IPv6 string (may embed a trailing IPv4), or null. */
export function expandIPv6(s: string): number[] | null {
  let str = s.toLowerCase();
  const lastColon = str.lastIndexOf(':');
  const maybeV4 = str.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // a trailing dotted quad is two groups written another way
    if (!isIPv4(maybeV4)) return null;
    const o = maybeV4.split('.').map(Number);
    str = `${str.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const parts = str.split('::');
  if (parts.length > 2) return null;
  const head = parts[0] ? parts[0].split(':') : [];
  const rest = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const want = 8;
  const fill = parts.length === 2 ? want - head.length - rest.length : 0;
  if (fill < 0 || (parts.length === 1 && head.length !== want)) return null;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...rest].map((h) => parseInt(h, 16));
  if (groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

/** RFC 5952 text form of eight groups. */
export function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function ipFamily(canonical: string): 4 | 6 {
  return canonical.includes(':') ? 6 : 4;
}

/**
 * The actor an address belongs to: an IPv4 address, or the IPv6 network of `v6Prefix` bits
 * (written `2001:db8:1:2::/64`), or the IPv6 address itself when v6Prefix is 128.
 */
export function actorKeyOf(canonical: string, v6Prefix = 64): string {
  if (ipFamily(canonical) === 4 || v6Prefix >= 128) return canonical;
  const g = expandIPv6(canonical)!;
  const out = g.map((v, i) => {
    const lo = i * 16;
    if (lo >= v6Prefix) return 0;
    const keep = Math.min(16, v6Prefix - lo);
    return keep === 16 ? v : v & (0xffff << (16 - keep)) & 0xffff;
  });
  return `${compressIPv6(out)}/${v6Prefix}`;
}

/**
 * URL slug of an actor key: `:` becomes `-`, `/` becomes `-`. Unique: an address slug never holds
 * `---` while a network slug always ends in `---<len>` or `-<hex>--<len>`… and has the `/` marker.
 */
export function slugOf(actorKey: string): string {
  return actorKey.replace(/:/g, '-').replace('/', '-');
}

/** The actor key a slug names, or null. Reverses slugOf() for canonical keys only. */
export function keyFromSlug(slug: string): string | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(slug)) return canonicalIp(slug) === slug ? slug : null;
  if (!/^[0-9a-f-]{2,50}$/.test(slug)) return null;
  const m = /^(.*)-(\d{1,3})$/.exec(slug);
  if (m && m[1]!.includes('--') ) {
    const key = `${m[1]!.replace(/-/g, ':')}/${m[2]}`;
    const addr = canonicalIp(key.slice(0, key.indexOf('/')));
    if (addr && `${addr}/${m[2]}` === key) return key;
  }
  const addr = canonicalIp(slug.replace(/-/g, ':'));
  return addr && slugOf(addr) === slug ? addr : null;
}

/** Ranges whose addresses never get a public page: private, loopback, link-local, CGNAT, docs, reserved. */
const NON_PUBLIC_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const;
// ::ffff:0:0/96 is left out on purpose: node's BlockList would then match every IPv4 address, and
// canonicalIp() already unmaps IPv4-mapped addresses.
const NON_PUBLIC_V6 = [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['3fff::', 20], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const;

const nonPublic = new BlockList();
for (const [a, p] of NON_PUBLIC_V4) nonPublic.addSubnet(a, p, 'ipv4');
for (const [a, p] of NON_PUBLIC_V6) nonPublic.addSubnet(a, p, 'ipv6');

// BlockList.check builds a SocketAddress per call: too slow for one call per log line, so IPv4 (most
// lines) is checked as a number against the same ranges, and IPv6 answers are remembered.
const NON_PUBLIC_V4_BITS = NON_PUBLIC_V4.map(([a, p]) => {
  const mask = (0xffffffff << (32 - p)) >>> 0; // every prefix here is 4 to 24 bits
  return [(ipv4Number(a)! & mask) >>> 0, mask] as const;
});
const v6Verdicts = new Map<string, boolean>();
const SPECIAL_FIRST_OCTETS = new Set(NON_PUBLIC_V4.filter(([a]) => Number(a.split('.')[0]) < 224).map(([a]) => Number(a.split('.')[0])));

/** A canonical dotted quad as an unsigned 32-bit number, or null. */
export function ipv4Number(s: string): number | null {
  let n = 0;
  let octet = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) { n = n * 256 + octet; octet = 0; dots++; continue; }
    if (c < 48 || c > 57) return null;
    octet = octet * 10 + (c - 48);
  }
  return dots === 3 ? n * 256 + octet : null;
}

/** True for private, loopback, link-local, CGNAT, documentation and other special-purpose addresses. */
export function isNonPublic(canonical: string): boolean {
  if (!canonical.includes(':')) {
    // every special range sits under one of these first octets (or 224 and up)
    let first = 0;
    for (let i = 0; i < 4 && i < canonical.length; i++) {
      const c = canonical.charCodeAt(i);
      if (c === 46) break;
      first = first * 10 + (c - 48);
    }
    if (first < 224 && !SPECIAL_FIRST_OCTETS.has(first)) return false;
    const n = ipv4Number(canonical);
    if (n !== null) {
      for (const [net, mask] of NON_PUBLIC_V4_BITS) if (((n & mask) >>> 0) === net) return true;
      return false;
    }
  }
  let v = v6Verdicts.get(canonical);
  if (v === undefined) {
    v = nonPublic.check(canonical, ipFamily(canonical) === 4 ? 'ipv4' : 'ipv6');
    if (v6Verdicts.size >= 65536) v6Verdicts.clear();
    v6Verdicts.set(canonical, v);
  }
  return v;
}

/** A BlockList built from CIDR strings such as "192.0.2.0/24" or "2001:db8::/32"; bad entries throw. */
export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, len] = c.split('/');
    const ip = canonicalIp(addr ?? '');
    if (!ip) throw new Error(`not an address range: ${c}`);
    const fam = ipFamily(ip);
    const bits = len === undefined ? (fam === 4 ? 32 : 128) : Number(len);
    if (!Number.isInteger(bits) || bits < 0 || bits > (fam === 4 ? 32 : 128)) throw new Error(`bad prefix length: ${c}`);
    list.addSubnet(ip, bits, fam === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

export function inList(list: BlockList, canonical: string): boolean {
  return list.check(canonical, ipFamily(canonical) === 4 ? 'ipv4' : 'ipv6');
}
