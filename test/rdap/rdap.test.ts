import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBootstrap } from '../../src/rdap/bootstrap.ts';
import { abuseEmailOf, parseIpNetwork, plainEmail } from '../../src/rdap/parse-rdap.ts';
import { lookupIpNetwork } from '../../src/rdap/rdap-client.ts';
import { bootstrapFile, networkJson, startLocalRdap, type LocalRdap, type RdapReply } from './local-rdap-server.ts';

describe('the shipped bootstrap names the right registry', () => {
  const b = loadBootstrap();
  it.each([
    ['8.8.8.8', 'https://rdap.arin.net/registry/'],
    ['193.0.6.139', 'https://rdap.db.ripe.net/'],
    ['1.1.1.1', 'https://rdap.apnic.net/'],
    ['200.160.2.3', 'https://rdap.lacnic.net/rdap/'],
    ['196.216.2.1', 'https://rdap.afrinic.net/rdap/'],
    ['2a00:1450:4001::1', 'https://rdap.db.ripe.net/'],
    ['2600:1f18::1', 'https://rdap.arin.net/registry/'],
    ['2400:cb00::1', 'https://rdap.apnic.net/'],
    ['::ffff:8.8.8.8', 'https://rdap.arin.net/registry/'],
    ['3fff::1', 'https://rdap.arin.net/registry/'], // unknown → the default, which redirects
    ['not an address', null],
  ])('%s → %s', (ip, want) => {
    expect(b.serverFor(ip)).toBe(want);
  });
  it('allows redirects only among the five registries', () => {
    expect([...b.allowedOrigins].sort()).toEqual(['https://rdap.afrinic.net', 'https://rdap.apnic.net', 'https://rdap.arin.net', 'https://rdap.db.ripe.net', 'https://rdap.lacnic.net']);
  });
});

describe('parsing RDAP answers', () => {
  it.each([
    ['abuse entity at the top (RIPE style)', networkJson('192.0.2.0', '192.0.2.255', 'Abuse@Example.NET'), 'abuse@example.net'],
    ['abuse entity inside the organisation (ARIN style)', networkJson('192.0.2.0', '192.0.2.255', 'abuse@example.net', true), 'abuse@example.net'],
    ['no abuse role: the registrant mail is not used', networkJson('192.0.2.0', '192.0.2.255', null), null],
    ['an address that would break a mailto link', networkJson('192.0.2.0', '192.0.2.255', 'a@b.net?cc=x@y.z'), null],
  ])('%s', (_l, json, email) => {
    expect(abuseEmailOf(json as Record<string, unknown>)).toBe(email);
  });

  it.each([
    [['192.0.2.0', '192.0.2.255'], '192.0.2.7', { start: '192.0.2.0', end: '192.0.2.255' }],
    [['198.51.100.0', '198.51.100.255'], '192.0.2.7', { start: '192.0.2.7', end: '192.0.2.7' }], // does not contain it
    [['2001:DB8:0:0:0:0:0:0', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'], '2001:db8::1', { start: '2001:db8::', end: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' }],
    [['junk', '192.0.2.255'], '192.0.2.7', { start: '192.0.2.7', end: '192.0.2.7' }],
  ])('range %j for %s', ([start, end], ip, want) => {
    expect(parseIpNetwork(networkJson(start!, end!, null), ip)).toMatchObject(want);
  });

  it.each([['mailto:abuse@example.net', 'abuse@example.net'], ['abuse@example', null], ['<b>@x.net', null], ['x'.repeat(300) + '@example.net', null]])('plainEmail(%s)', (v, want) => {
    expect(plainEmail(v)).toBe(want);
  });
});

describe('lookupIpNetwork against a local RDAP server', () => {
  let main: LocalRdap;
  let other: LocalRdap;
  let reply: (path: string) => RdapReply = () => ({ status: 404 });
  let otherReply: (path: string) => RdapReply = () => ({ status: 404 });
  beforeAll(async () => {
    main = await startLocalRdap((p) => reply(p));
    other = await startLocalRdap((p) => otherReply(p));
  });
  afterAll(async () => { await main.close(); await other.close(); });
  const opts = (timeoutMs = 1000) => ({ bootstrap: loadBootstrap(bootstrapFile(main.base, other.base)), timeoutMs });

  it('finds the network and its abuse mailbox', async () => {
    reply = () => ({ json: networkJson('192.0.2.0', '192.0.2.255', 'abuse@example.net') });
    main.requests.length = 0;
    const got = await lookupIpNetwork('::ffff:192.0.2.7', opts());
    expect(got).toEqual({ ok: true, server: main.origin.slice(7), network: { start: '192.0.2.0', end: '192.0.2.255', handle: 'NET-EXAMPLE-1', name: 'EXAMPLE-NET', email: 'abuse@example.net' } });
    expect(main.requests).toEqual(['/rdap/ip/192.0.2.7']);
  });

  it('follows a redirect to another registry named in the bootstrap', async () => {
    reply = (p) => ({ status: 301, location: `${other.base}${p.slice('/rdap/'.length)}` });
    otherReply = () => ({ json: networkJson('198.51.100.0', '198.51.100.127', 'abuse@other.example') });
    const got = await lookupIpNetwork('198.51.100.9', opts());
    expect(got).toMatchObject({ ok: true, server: other.origin.slice(7), network: { email: 'abuse@other.example', end: '198.51.100.127' } });
  });

  it.each([
    ['a redirect to a host that is not a registry', (): RdapReply => ({ status: 302, location: 'https://evil.example/ip/192.0.2.7' }), /redirect to evil\.example, which is not a registry RDAP server/],
    ['404', (): RdapReply => ({ status: 404 }), /has no network for 192\.0\.2\.7/],
    ['429', (): RdapReply => ({ status: 429 }), /rate limiting/],
    ['500', (): RdapReply => ({ status: 500 }), /answered HTTP 500/],
    ['not JSON', (): RdapReply => ({ body: '<html>' }), /not JSON/],
    ['a JSON array', (): RdapReply => ({ body: '[1,2]' }), /without a network/],
    ['a huge body', (): RdapReply => ({ body: 'x'.repeat(1024 * 1024 + 10) }), /more than 1048576 bytes/],
    ['silence', (): RdapReply => 'silent', /no answer within 300 ms/],
  ])('%s → no contact, a reason', async (_l, r, error) => {
    reply = r;
    const t0 = Date.now();
    const got = await lookupIpNetwork('192.0.2.7', opts(300));
    expect(got.ok).toBe(false);
    expect(got.ok ? '' : got.error).toMatch(error);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a registry that is not listening → no contact, not a crash', async () => {
    const dead = loadBootstrap(bootstrapFile('http://127.0.0.1:9/rdap/'));
    const got = await lookupIpNetwork('192.0.2.7', { bootstrap: dead, timeoutMs: 500 });
    expect(got).toMatchObject({ ok: false, error: expect.stringMatching(/^request failed|^no answer/) });
  });
});
