import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsClient } from '../../src/dns/dns-client.ts';
import { verifyCrawler } from '../../src/enrich/verify-crawler.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';

const GOOGLE = ['googlebot.com', 'google.com'];

// PTR and forward records for documentation addresses, served by a real DNS server on 127.0.0.1.
const zone: Record<string, Reply> = {
  'PTR 66.2.0.192.in-addr.arpa': 'silent', // detect-01: the reverse lookup times out
  'PTR 1.2.0.192.in-addr.arpa': { ptr: ['crawl-192-0-2-1.googlebot.com'] },
  'A crawl-192-0-2-1.googlebot.com': { a: ['192.0.2.1'] },
  'PTR 2.2.0.192.in-addr.arpa': { ptr: ['host.example.net'] },
  'PTR 3.2.0.192.in-addr.arpa': { ptr: ['crawl.evilgooglebot.com'] },
  'PTR 4.2.0.192.in-addr.arpa': { ptr: ['crawl-spoof.googlebot.com'] },
  'A crawl-spoof.googlebot.com': { a: ['198.51.100.4'] },
  'PTR 5.2.0.192.in-addr.arpa': { ptr: ['crawl-5.googlebot.com'] },
  'A crawl-5.googlebot.com': { rcode: 2 },
  'PTR 6.2.0.192.in-addr.arpa': { rcode: 2 },
  'PTR 8.2.0.192.in-addr.arpa': { ptr: ['crawl-8.googlebot.com'] },
  'A crawl-8.googlebot.com': 'silent',
  'PTR 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': { ptr: ['crawl-v6.google.com'] },
  'AAAA crawl-v6.google.com': { aaaa: ['2001:db8::1'] },
};

let dns: LocalDns;
beforeAll(async () => {
  dns = await startLocalDns((name, type) => zone[`${type} ${name}`] ?? { rcode: 3 });
});
afterAll(() => dns.close());

describe('verifyCrawler (forward-confirmed reverse DNS)', () => {
  it.each([
    ['detect-01-crawler-verification: reverse lookup times out', '192.0.2.66', 'unverified'],
    ['PTR in googlebot.com resolving back', '192.0.2.1', 'verified'],
    ['IPv6 PTR in google.com resolving back', '2001:db8::1', 'verified'],
    ['PTR outside the suffixes', '192.0.2.2', 'fake'],
    ['lookalike suffix without a label boundary', '192.0.2.3', 'fake'],
    ['PTR right but forward points elsewhere', '192.0.2.4', 'fake'],
    ['forward lookup SERVFAIL', '192.0.2.5', 'unverified'],
    ['reverse lookup SERVFAIL', '192.0.2.6', 'unverified'],
    ['no PTR at all (NXDOMAIN)', '192.0.2.7', 'fake'],
    ['forward lookup times out', '192.0.2.8', 'unverified'],
  ])('%s → %s', async (_label, ip, want) => {
    const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 250 });
    expect(await verifyCrawler(ip, GOOGLE, client)).toBe(want);
  });
});
