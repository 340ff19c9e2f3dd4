// The block an actor is grouped with for "neighbours": its IPv4 /24, or its IPv6 /48 (the usual
// size of one site's allocation). Keys are canonical (from the snapshot), so plain string work is safe.
import { compressIPv6, expandIPv6 } from '../core/ip.ts';

export function prefixOf(key: string): string {
  const addr = key.split('/')[0]!;
  if (!addr.includes(':')) {
    const o = addr.split('.');
    return `${o[0]}.${o[1]}.${o[2]}.0/24`;
  }
  const g = expandIPv6(addr);
  if (!g) return key;
  return `${compressIPv6([g[0]!, g[1]!, g[2]!, 0, 0, 0, 0, 0])}/48`;
}
