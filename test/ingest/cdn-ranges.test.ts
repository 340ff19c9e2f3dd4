import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockListOf, inList } from '../../src/core/ip.ts';
import { cdnRanges } from '../../src/ingest/cdn-ranges.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('cdnRanges (data/proxies)', () => {
  it.each([
    ['cloudflare', 22, ['173.245.48.1', '104.16.0.1', '2606:4700::1111'], ['1.1.1.1', '203.0.113.1']],
    ['fastly', 21, ['151.101.1.1', '2a04:4e42::1'], ['203.0.113.1']],
  ])('%s: %i ranges, all valid, covering its edge addresses', (name, n, inside, outside) => {
    const ranges = cdnRanges([name]);
    expect(ranges).toHaveLength(n);
    const list = blockListOf(ranges);
    for (const ip of inside) expect(inList(list, ip), ip).toBe(true);
    for (const ip of outside) expect(inList(list, ip), ip).toBe(false);
  });

  it('adds several providers in order', () => {
    expect(cdnRanges(['cloudflare', 'fastly'])).toHaveLength(43);
  });

  it('reads comments and blank lines out of a provider file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-cdn-'));
    writeFileSync(join(dir, 'edge.txt'), '# header\n\n192.0.2.0/24   # our edge\n  2001:db8::/32\n');
    expect(cdnRanges(['edge'], dir)).toEqual(['192.0.2.0/24', '2001:db8::/32']);
  });

  it.each([
    ['akamai', 'no ranges for "akamai"'],
    ['../etc/passwd', '"../etc/passwd" is not a provider name'],
  ])('refuses %j', (name, message) => {
    expect(() => cdnRanges([name])).toThrow(expect.objectContaining({ code: 'CONFIG_CDN_RANGES', message: expect.stringContaining(message) }));
  });

  it('is off by default: no CDN and no proxy is trusted unless the config names it', () => {
    const cfg = configSchema.parse({});
    expect(cfg.cdnRanges).toEqual([]);
    expect(cfg.trustedProxies).toEqual([]);
  });
});
