import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { PilloryError } from '../core/errors.ts';
import { BlockList } from 'node:net';
import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { NetworkType } from '../core/types.ts';

const fileSchema = z.strictObject({
  type: z.enum(['hosting', 'residential', 'mobile', 'education', 'cdn-proxy-vpn', 'tor']),
  what: z.string().min(1),
  networks: z.array(z.strictObject({ asn: z.int().min(1).max(4294967295), name: z.string().min(1), what: z.string().optional() })).default([]),
  hints: z.array(z.string().regex(/^[a-z0-9]+( [a-z0-9]+)*$/)).default([]),
  addresses: z.array(z.string()).default([]),
  ranges: z.array(z.strictObject({ cidr: z.string().max(60), name: z.string().min(1), what: z.string().optional() })).default([]),
});

export interface NetworkEntry { type: Exclude<NetworkType, 'unknown'>; name: string; what: string }
export interface RangeEntry extends NetworkEntry { cidr: string; bits: number; list: BlockList }
export interface NameHint { type: Exclude<NetworkType, 'unknown'>; phrase: string; what: string }

/** Everything the network-type decision reads, built once from data/networks/*.yaml. */
export interface NetworkData {
  byAsn: Map<number, NetworkEntry>;
  hints: NameHint[];
  byAddress: Map<string, NetworkEntry>;
  ranges: RangeEntry[];
}

export const DEFAULT_NETWORKS_DIR = fileURLToPath(new URL('../../data/networks/', import.meta.url));

export function loadNetworkData(dir: string = DEFAULT_NETWORKS_DIR): NetworkData {
  const data: NetworkData = { byAsn: new Map(), hints: [], byAddress: new Map(), ranges: [] };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = join(dir, name);
    const parsed = fileSchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new PilloryError('BAD_NETWORK_DATA', `${file}: ${where}`);
    }
    const f = parsed.data;
    for (const n of f.networks) {
      const prior = data.byAsn.get(n.asn);
      if (prior) throw new PilloryError('BAD_NETWORK_DATA', `${file}: AS${n.asn} is already listed as ${prior.type}`);
      data.byAsn.set(n.asn, { type: f.type, name: n.name, what: n.what ?? f.what });
    }
    for (const phrase of f.hints) data.hints.push({ type: f.type, phrase, what: f.what });
    for (const a of f.addresses) {
      const ip = canonicalIp(a);
      if (!ip) throw new PilloryError('BAD_NETWORK_DATA', `${file}: ${JSON.stringify(a)} is not an address`);
      data.byAddress.set(ip, { type: f.type, name: ip, what: f.what });
    }
    for (const r of f.ranges) {
      const [addr, bitsText] = r.cidr.split('/');
      const ip = canonicalIp(addr ?? '');
      const bits = Number(bitsText);
      const max = ip && ipFamily(ip) === 4 ? 32 : 128;
      if (!ip || !/^\d{1,3}$/.test(bitsText ?? '') || bits > max) throw new PilloryError('BAD_NETWORK_DATA', `${file}: ${JSON.stringify(r.cidr)} is not a CIDR block`);
      const list = new BlockList();
      list.addSubnet(ip, bits, ipFamily(ip) === 4 ? 'ipv4' : 'ipv6');
      data.ranges.push({ type: f.type, name: r.name, what: r.what ?? f.what, cidr: `${ip}/${bits}`, bits, list });
    }
  }
  return data;
}

/** The data plus Tor exit addresses from the operator's list (they take precedence over everything). */
export function withTorExits(data: NetworkData, exits: ReadonlySet<string>, what: string): NetworkData {
  const byAddress = new Map(data.byAddress);
  for (const ip of exits) byAddress.set(ip, { type: 'tor', name: ip, what });
  return { ...data, byAddress };
}

let cached: NetworkData | null = null;

/** The bundled data, read on first use. */
export function defaultNetworkData(): NetworkData {
  cached ??= loadNetworkData();
  return cached;
}
