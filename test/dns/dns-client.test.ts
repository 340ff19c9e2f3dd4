import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsClient, reverseName } from '../../src/dns/dns-client.ts';
import { firstNameserver, parseResolver, resolveResolver } from '../../src/dns/resolver-address.ts';
import { startLocalDns, type LocalDns } from './local-dns-server.ts';

describe('reverseName', () => {
  it.each([
    ['192.0.2.10', '10.2.0.192.in-addr.arpa'],
    ['::ffff:192.0.2.10', '10.2.0.192.in-addr.arpa'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['not-an-ip', null],
  ])('%s → %s', (ip, want) => {
    expect(reverseName(ip)).toBe(want);
  });
});

describe('resolver address', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['resolver.example.org:53', { host: 'resolver.example.org', port: 53 }],
  ])('parses %s', (spec, want) => {
    expect(parseResolver(spec)).toEqual(want);
  });

  it.each(['', '127.0.0.1:99999', '127.0.0.1:x'])('rejects %j', (spec) => {
    expect(() => parseResolver(spec)).toThrow(/resolver/);
  });

  it('takes the first nameserver of resolv.conf, never a public default', () => {
    expect(firstNameserver('# comment\nsearch example.org\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n')).toBe('192.0.2.53');
    expect(resolveResolver(null, () => 'nameserver 192.0.2.53\n')).toEqual({ host: '192.0.2.53', port: 53 });
    expect(() => resolveResolver(null, () => 'search example.org\n')).toThrow(/no nameserver/);
  });
});

describe('createDnsClient against a local server', () => {
  let dns: LocalDns;
  beforeAll(async () => {
    dns = await startLocalDns((name, type) => {
      if (name === 'silent.test') return 'silent';
      if (name === 'servfail.test') return { rcode: 2 };
      if (name === 'refused.test') return { rcode: 5 };
      if (name === 'host.test' && type === 'A') return { a: ['192.0.2.7'] };
      if (name === 'host.test' && type === 'AAAA') return { aaaa: ['2001:db8::7'] };
      if (name === '7.2.0.192.in-addr.arpa' && type === 'PTR') return { ptr: ['host.test'] };
      return { rcode: 3 };
    });
  });
  afterAll(() => dns.close());

  it.each([
    ['host.test', 'A', { rcode: 'NOERROR', answers: ['192.0.2.7'] }],
    ['host.test', 'AAAA', { rcode: 'NOERROR', answers: ['2001:db8::7'] }],
    ['missing.test', 'A', { rcode: 'NXDOMAIN', answers: [] }],
    ['servfail.test', 'A', { rcode: 'SERVFAIL', answers: [] }],
    ['refused.test', 'A', { rcode: 'REFUSED', answers: [] }],
  ] as const)('%s %s', async (name, type, want) => {
    const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 1000 });
    const got = type === 'A' ? await client.queryA(name) : await client.queryAAAA(name);
    expect(got).toEqual(want);
  });

  it('PTR builds the reverse name itself', async () => {
    const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 1000 });
    expect(await client.queryPTR('192.0.2.7')).toEqual({ rcode: 'NOERROR', answers: ['host.test'] });
  });

  it('a silent server costs our deadline, not the library default', async () => {
    const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 300 });
    const t0 = Date.now();
    expect(await client.queryA('silent.test')).toEqual({ error: 'timeout' });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(800);
  });
});
