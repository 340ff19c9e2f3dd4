import { canonicalIp, expandIPv6, ipFamily } from '../core/ip.ts';

/**
 * The address written as reversed DNS labels, without a zone: IPv4 octets reversed, IPv6 as 32
 * nibbles reversed (zeros expanded, so no empty labels). IPv4-mapped IPv6 counts as IPv4.
 * Null when the input is not an address.
 */
export function reversedLabels(ip: string): string | null {
  const canonical = canonicalIp(ip);
  if (!canonical) return null;
  if (ipFamily(canonical) === 4) return canonical.split('.').reverse().join('.');
  const groups = expandIPv6(canonical)!;
  const nibbles = groups.map((g) => g.toString(16).padStart(4, '0')).join('');
  return nibbles.split('').reverse().join('.');
}

/** The PTR query name of an address: `…in-addr.arpa` or `…ip6.arpa`. */
export function reverseName(ip: string): string | null {
  const labels = reversedLabels(ip);
  if (!labels) return null;
  return `${labels}.${labels.split('.').length === 32 ? 'ip6' : 'in-addr'}.arpa`;
}
