import DNS from 'dns2';
import { isIPv6 } from 'node:net';
import { resolveResolver, type ResolverAddress } from './resolver-address.ts';
import { reverseName } from './reverse-name.ts';

export { reverseName } from './reverse-name.ts';

export type Rcode =
  | 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED'
  | 'YXDOMAIN' | 'YXRRSET' | 'NXRRSET' | 'NOTAUTH' | 'NOTZONE' | `RCODE${number}`;

/** A completed exchange (any rcode), or why there was none. */
export type DnsOutcome = { rcode: Rcode; answers: string[] } | { error: 'timeout' | string };

export interface DnsClient {
  queryA(name: string): Promise<DnsOutcome>;
  queryAAAA(name: string): Promise<DnsOutcome>;
  /** PTR of an address (the reverse name is built here). */
  queryPTR(ip: string): Promise<DnsOutcome>;
}

const RCODES: Rcode[] = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function rcodeName(n: number): Rcode {
  return RCODES[n] ?? `RCODE${n}`;
}

const TYPE_CODES = { A: 1, AAAA: 28, PTR: 12 } as const;
type QType = keyof typeof TYPE_CODES;

/** One query, bounded by our own deadline whatever the library does with its timeout. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface RawAnswer { type: number; address?: string; domain?: string }

export function createDnsClient(opts: { resolver: string | null; timeoutMs: number }, resolverAddress?: ResolverAddress): DnsClient {
  const server = resolverAddress ?? resolveResolver(opts.resolver);
  const udp = DNS.UDPClient({
    dns: server.host,
    port: server.port,
    socketType: isIPv6(server.host) ? 'udp6' : 'udp4',
    // the library's own timer closes its socket; ours decides the outcome
    timeout: opts.timeoutMs,
    // a TCP retry has no timeout of its own; DNSBL and PTR answers fit in UDP
    retryOverTCP: false,
  });

  async function query(name: string, type: QType): Promise<DnsOutcome> {
    if (name.length > 253) return { error: 'name too long' };
    const work = udp(name, type).then(
      (packet) => ({ packet }),
      (err: unknown) => ({ err }),
    );
    const got = await withDeadline(work, opts.timeoutMs);
    if (got === 'timeout') return { error: 'timeout' };
    if ('err' in got) {
      const e = got.err as { code?: string; message?: string };
      if (e?.code === 'ETIMEDOUT') return { error: 'timeout' };
      return { error: String(e?.message ?? got.err).slice(0, 200) };
    }
    const p = got.packet;
    const want = TYPE_CODES[type];
    const answers = (p.answers as unknown as RawAnswer[])
      .filter((a) => a.type === want)
      .map((a) => (type === 'PTR' ? (a.domain ?? '') : (a.address ?? '')))
      .filter((s) => s !== '');
    return { rcode: rcodeName(p.header.rcode), answers };
  }

  return {
    queryA: (name) => query(name, 'A'),
    queryAAAA: (name) => query(name, 'AAAA'),
    queryPTR: async (ip) => {
      const name = reverseName(ip);
      if (!name) return { error: 'not an address' };
      return query(name, 'PTR');
    },
  };
}
