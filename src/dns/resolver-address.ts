import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { PilloryError } from '../core/errors.ts';

export interface ResolverAddress {
  host: string;
  port: number;
}

/**
 * Parse "host", "host:port", "[v6]:port" or a bare IPv6 address. Throws PilloryError naming the
 * bad value when it is not one of those.
 */
export function parseResolver(spec: string): ResolverAddress {
  const s = spec.trim();
  if (s.length === 0 || s.length > 300) throw badResolver(spec);
  let host = s;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else if (isIP(s) !== 6) {
    const i = s.lastIndexOf(':');
    if (i >= 0) {
      if (!/^\d{1,5}$/.test(s.slice(i + 1))) throw badResolver(spec);
      host = s.slice(0, i);
      port = Number(s.slice(i + 1));
    }
  }
  if (!host || port < 1 || port > 65535 || /\s/.test(host)) throw badResolver(spec);
  return { host, port };
}

function badResolver(spec: string): PilloryError {
  return new PilloryError(
    'BAD_RESOLVER',
    `resolver ${JSON.stringify(spec.slice(0, 80))} is not "host", "host:port" or "[ipv6]:port"`,
  );
}

/** The first `nameserver` of a resolv.conf text, or null when there is none. */
export function firstNameserver(resolvConf: string): string | null {
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line.slice(0, 300));
    if (m) return m[1]!.replace(/%.*$/, ''); // a link-local zone id is not for us to use
  }
  return null;
}

/**
 * The configured resolver, or the system's from /etc/resolv.conf. Never a public fallback: with
 * no resolver we refuse, because Spamhaus and others answer public resolvers with error codes.
 */
export function resolveResolver(
  configured: string | null,
  readResolvConf: () => string = () => readFileSync('/etc/resolv.conf', 'utf8'),
): ResolverAddress {
  if (configured) return parseResolver(configured);
  let text = '';
  try {
    text = readResolvConf();
  } catch (cause) {
    throw new PilloryError('NO_RESOLVER', 'no resolver configured and /etc/resolv.conf cannot be read; set "resolver"', { cause });
  }
  const ns = firstNameserver(text);
  if (!ns) throw new PilloryError('NO_RESOLVER', 'no resolver configured and /etc/resolv.conf has no nameserver; set "resolver"');
  return { host: ns, port: 53 };
}
