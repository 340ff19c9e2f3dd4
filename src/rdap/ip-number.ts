import { expandIPv6, ipFamily } from '../core/ip.ts';

/** A canonical address as a number, for range comparisons (IPv4 and IPv6 are never compared with each other). */
export function ipToBigInt(canonical: string): bigint {
  if (ipFamily(canonical) === 4) return canonical.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  return (expandIPv6(canonical) ?? []).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}
