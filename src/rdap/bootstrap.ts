import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { PilloryError } from '../core/errors.ts';
import { canonicalIp, ipFamily } from '../core/ip.ts';

const fileSchema = z.strictObject({
  servers: z.record(z.string(), z.url()),
  ipv4: z.record(z.string(), z.array(z.int().min(0).max(255))),
  ipv6: z.record(z.string(), z.array(z.string().regex(/^[0-9a-f:]+\/\d{1,3}$/))),
  default: z.string(),
});

export interface RdapBootstrap {
  /** Base URL (ending in "/") of the registry to ask first about an address, or null for a non-address. */
  serverFor(ip: string): string | null;
  /** Hosts (with port) a redirect may lead to: only the servers named in the data. */
  allowedOrigins: ReadonlySet<string>;
}

export const DEFAULT_BOOTSTRAP_FILE = fileURLToPath(new URL('../../data/rdap/bootstrap.yaml', import.meta.url));

/** The registry map from data/rdap/bootstrap.yaml (or a test's file), validated. */
export function loadBootstrap(file: string = DEFAULT_BOOTSTRAP_FILE): RdapBootstrap {
  const parsed = fileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PilloryError('BAD_RDAP_BOOTSTRAP', `${file} is not a valid RDAP bootstrap: ${where}`);
  }
  const d = parsed.data;
  const base = (rir: string): string => {
    const url = d.servers[rir];
    if (!url) throw new PilloryError('BAD_RDAP_BOOTSTRAP', `${file}: registry "${rir}" has no entry under servers`);
    return url.endsWith('/') ? url : `${url}/`;
  };
  const byOctet = new Map<number, string>();
  for (const [rir, octets] of Object.entries(d.ipv4)) for (const o of octets) byOctet.set(o, base(rir));
  const v6: { list: BlockList; url: string }[] = Object.entries(d.ipv6).map(([rir, prefixes]) => {
    const list = new BlockList();
    for (const p of prefixes) {
      const [addr, bits] = p.split('/');
      list.addSubnet(addr!, Number(bits), 'ipv6');
    }
    return { list, url: base(rir) };
  });
  const fallback = base(d.default);
  return {
    serverFor(ip) {
      const c = canonicalIp(ip);
      if (!c) return null;
      if (ipFamily(c) === 4) return byOctet.get(Number(c.split('.')[0])) ?? fallback;
      return v6.find((e) => e.list.check(c, 'ipv6'))?.url ?? fallback;
    },
    allowedOrigins: new Set(Object.keys(d.servers).map((rir) => new URL(base(rir)).origin)),
  };
}
