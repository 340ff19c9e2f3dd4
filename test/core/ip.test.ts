import { describe, expect, it } from 'vitest';
import { actorKeyOf, canonicalIp, isNonPublic, keyFromSlug, slugOf, blockListOf, inList } from '../../src/core/ip.ts';

describe('canonicalIp', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['::ffff:192.0.2.10', '192.0.2.10'], // log-03: the same actor as plain IPv4
    ['::FFFF:c000:020a', '192.0.2.10'],
    ['2001:db8:aaaa:bbbb::1234', '2001:db8:aaaa:bbbb::1234'],
    ['[2001:db8:5678::5a24]:43000', '2001:db8:5678::5a24'], // log-03: brackets and port removed
    ['2001:DB8:0:0::1', '2001:db8::1'], // site-01
    ['2001:db8::1%eth0', '2001:db8::1'], // site-01: zone id dropped
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952: first of equal zero runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // RFC 5952: one zero group is not compressed
    ['192.0.2.1:8080', '192.0.2.1'],
    ['::192.0.2.1', '::c000:201'],
  ])('%s → %s', (input, want) => {
    expect(canonicalIp(input)).toBe(want);
  });

  it.each(['[2001', 'unknown', '-', '', '010.1.1.1', '256.1.1.1', '1:2:3:4:5:6:7:8:9', 'x'.repeat(100), '[::1]junk'])('rejects %j', (input) => {
    expect(canonicalIp(input)).toBeNull();
  });
});

describe('actor keys and slugs', () => {
  it('site-01: five spellings give exactly two slugs with no ":" or "%"', () => {
    const inputs = ['192.0.2.10', '::ffff:192.0.2.10', '2001:db8::1', '2001:DB8:0:0::1', '2001:db8::1%eth0'];
    const slugs = new Set(inputs.map((i) => slugOf(actorKeyOf(canonicalIp(i)!, 128))));
    expect([...slugs].sort()).toEqual(['192.0.2.10', '2001-db8--1']);
  });

  it('groups IPv6 into /64 networks by default', () => {
    expect(actorKeyOf('2001:db8:aaaa:bbbb::1234')).toBe('2001:db8:aaaa:bbbb::/64');
    expect(actorKeyOf('2001:db8:aaaa:bbbb:ffff::9')).toBe('2001:db8:aaaa:bbbb::/64');
    expect(actorKeyOf('2001:db8:aaaa:bbbb::1234', 48)).toBe('2001:db8:aaaa::/48');
    expect(actorKeyOf('192.0.2.7')).toBe('192.0.2.7');
  });

  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['2001:db8::1', '2001-db8--1'],
    ['2001:db8:aaaa:bbbb::/64', '2001-db8-aaaa-bbbb---64'],
    ['::1', '--1'],
  ])('slug of %s is %s and reverses', (key, slug) => {
    expect(slugOf(key)).toBe(slug);
    expect(keyFromSlug(slug)).toBe(key);
  });

  it.each(['2001-DB8--1', '192.0.2.010', '..', 'a/b', '2001-db8-0-0-0-0-0-1'])('keyFromSlug refuses a non-canonical slug %j', (slug) => {
    expect(keyFromSlug(slug)).toBeNull();
  });
});

describe('isNonPublic', () => {
  it.each([
    ['10.1.2.3', true], ['100.64.0.1', true], ['100.127.255.255', true], ['127.0.0.1', true], ['169.254.1.1', true],
    ['172.31.0.1', true], ['192.168.1.1', true], ['192.0.2.1', true], ['198.51.100.1', true], ['203.0.113.1', true],
    ['::1', true], ['fe80::1', true], ['fd00::1', true], ['2001:db8::1', true],
    ['0.0.0.0', true], ['198.18.0.1', true], ['192.0.0.8', true], ['224.0.0.1', true], ['240.0.0.1', true], ['255.255.255.255', true],
    ['192.88.99.1', true], ['ff02::1', true], ['::', true], ['100::1', true], ['2001::1', true], ['3fff::1', true],
    ['100.63.255.255', false], ['100.128.0.1', false], ['8.8.8.8', false], ['195.250.34.144', false], ['2a00:1450:4001::1', false],
  ])('%s → %s', (ip, want) => {
    expect(isNonPublic(ip)).toBe(want);
  });
});

describe('blockListOf', () => {
  it('matches addresses inside the given ranges only', () => {
    const list = blockListOf(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(inList(list, '192.0.2.200')).toBe(true);
    expect(inList(list, '192.0.3.1')).toBe(false);
    expect(inList(list, '2001:db8:ffff::1')).toBe(true);
    expect(inList(list, '198.51.100.7')).toBe(true);
    expect(inList(list, '198.51.100.8')).toBe(false);
  });
  it('names a bad entry', () => {
    expect(() => blockListOf(['192.0.2.0/33'])).toThrow('bad prefix length: 192.0.2.0/33');
    expect(() => blockListOf(['example.org'])).toThrow('not an address range: example.org');
  });
});

describe('isNonPublic on IPv4 as numbers agrees with the ranges', () => {
  it.each([
    ['10.0.0.1', true], ['9.255.255.255', false], ['100.64.0.0', true], ['100.127.255.255', true], ['100.128.0.0', false],
    ['172.15.255.255', false], ['172.16.0.0', true], ['172.31.255.255', true], ['172.32.0.0', false], ['192.0.2.77', true],
    ['198.18.0.1', true], ['198.20.0.1', false], ['198.51.100.4', true], ['203.0.113.250', true], ['224.0.0.1', true],
    ['255.255.255.255', true], ['8.8.8.8', false], ['0.1.2.3', true], ['127.10.0.1', true], ['169.254.1.1', true],
  ])('%s → %s', (ip, want) => {
    expect(isNonPublic(ip)).toBe(want);
  });
});
