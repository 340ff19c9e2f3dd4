// public/search.js runs in the browser; here it runs in a bare VM context and must agree with the
// server-side canonicalIp()/slugOf() for every notation a visitor may type.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { actorKeyOf, canonicalIp, slugOf } from '../../src/core/ip.ts';
import { shardOf } from '../../src/site/search-shards.ts';

interface SearchApi {
  normalise(s: string): { family: 4 | 6; address: string } | null;
  slugOf(key: string): string;
  shardOf(address: string): string | null;
  findIn(keys: string[], address: string): string | null;
  reportPath(key: string): string;
}

const ctx: { PillorySearch?: SearchApi } = {};
vm.runInNewContext(readFileSync(new URL('../../public/search.js', import.meta.url), 'utf8'), ctx);
const api = ctx.PillorySearch!;

describe('search.js normalise', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['  192.0.2.10  ', '192.0.2.10'],
    ['192.0.2.10:8080', '192.0.2.10'],
    ['::ffff:192.0.2.10', '192.0.2.10'],
    ['::FFFF:c000:020a', '192.0.2.10'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:2:0:0:0:5', '2001:db8:1:2::5'],
    ['2001-db8--1', '2001:db8::1'],
    ['::', '::'],
    ['1::', '1::'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
  ])('%s → %s, as canonicalIp() says', (input, want) => {
    expect(api.normalise(input)?.address).toBe(want);
    if (!input.includes('-')) expect(canonicalIp(input.trim())).toBe(want);
  });

  it.each([
    '', 'example.com', '192.0.2', '192.0.2.256', '010.0.0.1', '1.2.3.4.5', '2001:db8:::1', '1::2::3', '1:2:3:4:5:6:7:8:9',
    '12345::1', 'g::1', '<script>alert(1)</script>', '[2001:db8::1', `${'1'.repeat(200)}`, '1::2:3:4:5:6:7:8',
  ])('rejects %j (as canonicalIp does)', (input) => {
    expect(api.normalise(input)).toBeNull();
    expect(canonicalIp(input)).toBeNull();
  });
});

describe('search.js lookup', () => {
  const keys = ['2001:db8:1:2::/64', '2001:db8::1'];
  it.each([
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8:1:3::1', null],
    ['2001:db8::2', null],
  ])('finds %s in %o → %s', (addr, want) => {
    expect(api.findIn(keys, addr)).toBe(want);
  });

  it.each(['2001:db8:1:2::5', '2001:db8::1', '2a00:1450::1', '::1'])('shard and slug agree with the build for %s', (addr) => {
    expect(api.shardOf(addr)).toBe(shardOf(addr));
    const key = actorKeyOf(addr, 64);
    expect(api.slugOf(key)).toBe(slugOf(key));
    expect(api.reportPath(key)).toBe(`/ip/${slugOf(key)}/`);
  });
});
