// The search box's index for IPv6: published IPv6 keys grouped by their first 32 bits, one small
// file each, so the browser fetches only the shard its address falls in (never the whole list).
// IPv4 needs no index: an IPv4 actor is always exactly one address at /ip/<address>/.
import { expandIPv6 } from '../core/ip.ts';
import type { ActorSummary } from '../lib/snapshot-types.ts';

export function shardOf(address: string): string | null {
  const g = expandIPv6(address.split('/')[0]!);
  return g ? g[0]!.toString(16).padStart(4, '0') + g[1]!.toString(16).padStart(4, '0') : null;
}

export function v6Shards(actors: readonly ActorSummary[]): Map<string, string[]> {
  const shards = new Map<string, string[]>();
  for (const a of actors) {
    if (a.family !== 6) continue;
    const s = shardOf(a.key);
    if (!s) continue;
    const list = shards.get(s) ?? [];
    list.push(a.key);
    shards.set(s, list);
  }
  return shards;
}
