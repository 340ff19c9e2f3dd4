import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { DnsClient } from '../dns/dns-client.ts';

export type CrawlerCheck = 'verified' | 'fake' | 'unverified';

const MAX_NAME = 253;

function normalName(name: string): string | null {
  if (name.length > MAX_NAME + 1) return null;
  const n = name.toLowerCase().replace(/\.$/, '');
  return n.length > 0 ? n : null;
}

function endsWithSuffix(name: string, suffixes: readonly string[]): boolean {
  return suffixes.some((raw) => {
    const s = raw.toLowerCase().replace(/^\.+|\.+$/g, '');
    // label boundary: "googlebot.com" must not accept "evilgooglebot.com"
    return s !== '' && (name === s || name.endsWith(`.${s}`));
  });
}

/**
 * Forward-confirmed reverse DNS: the PTR name must end in one of the crawler's suffixes and
 * resolve back to the same address → verified. A completed check that fails → fake. Any timeout
 * or resolver error → unverified: a failed lookup is never held against the crawler.
 */
export async function verifyCrawler(ip: string, rdnsSuffixes: string[], client: DnsClient): Promise<CrawlerCheck> {
  const canonical = canonicalIp(ip);
  if (!canonical) return 'unverified';
  const ptr = await client.queryPTR(canonical);
  if ('error' in ptr) return 'unverified';
  if (ptr.rcode !== 'NOERROR' && ptr.rcode !== 'NXDOMAIN') return 'unverified';
  const names = ptr.answers.map(normalName).filter((n): n is string => n !== null);
  const candidates = names.filter((n) => endsWithSuffix(n, rdnsSuffixes));
  if (candidates.length === 0) return 'fake';

  let inconclusive = false;
  for (const name of candidates) {
    const fwd = ipFamily(canonical) === 4 ? await client.queryA(name) : await client.queryAAAA(name);
    if ('error' in fwd || (fwd.rcode !== 'NOERROR' && fwd.rcode !== 'NXDOMAIN')) {
      inconclusive = true;
      continue;
    }
    if (fwd.answers.some((a) => canonicalIp(a) === canonical)) return 'verified';
  }
  return inconclusive ? 'unverified' : 'fake';
}
