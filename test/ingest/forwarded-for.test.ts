import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockListOf } from '../../src/core/ip.ts';
import { clientFromForwardedFor, clientFromHeaders } from '../../src/ingest/forwarded-for.ts';
import { ingestFiles } from '../../src/ingest/ingest-files.ts';

const trusted = blockListOf(['192.0.2.1', '198.51.100.0/28']);

describe('clientFromForwardedFor', () => {
  it.each([
    ['192.0.2.1', '203.0.113.7, 198.51.100.20', '198.51.100.20', 'the rightmost untrusted hop'],
    ['192.0.2.1', '203.0.113.7, 198.51.100.20, 198.51.100.2', '198.51.100.20', 'trusted hops on the right are skipped'],
    ['203.0.113.99', '203.0.113.8', '203.0.113.99', 'a peer that is not trusted is the client'],
    ['192.0.2.1', null, '192.0.2.1', 'no header'],
    ['192.0.2.1', '-', '192.0.2.1', 'header "-"'],
    ['192.0.2.1', 'unknown, 198.51.100.3', '198.51.100.3', 'garbage stops the walk at the last trusted hop'],
    ['192.0.2.1', '203.0.113.7, junk', '192.0.2.1', 'garbage right after the peer: the peer'],
    ['192.0.2.1', ' [2001:db8::7]:4711 ', '2001:db8::7', 'bracketed IPv6 with port'],
    ['192.0.2.1', '::ffff:203.0.113.4', '203.0.113.4', 'IPv4-mapped'],
    ['192.0.2.1', '198.51.100.1, 198.51.100.2', '198.51.100.1', 'all hops trusted: the leftmost'],
  ] as [string, string | null, string, string][])('%s with %j → %s (%s)', (peer, xff, want) => {
    expect(clientFromForwardedFor(peer, xff, trusted)).toBe(want);
  });

  it('looks at a bounded number of hops from the right', () => {
    const padded = `203.0.113.50, ${Array(100).fill('198.51.100.2').join(', ')}`;
    expect(clientFromForwardedFor('192.0.2.1', padded, trusted)).toBe('198.51.100.2');
  });
});

describe('log-04-forwarded-for', () => {
  it('takes the client from the header only behind the trusted proxy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pillory-xff-'));
    try {
      const log = join(dir, 'access.log');
      await writeFile(log, [
        '192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET /.env HTTP/1.1" 404 153 "-" "curl/8.5.0" "203.0.113.7, 198.51.100.20"',
        '198.51.100.99 - - [03/Dec/2026:10:00:01 +0000] "GET /.git/config HTTP/1.1" 404 153 "-" "curl/8.5.0" "203.0.113.8"',
        '',
      ].join('\n'));
      const ips: string[] = [];
      await ingestFiles([log], { format: 'combined', maxLineBytes: 65536, known: new Map(), trustedProxies: ['192.0.2.1'] }, (h) => ips.push(h.ip));
      expect(ips).toEqual(['198.51.100.20', '198.51.100.99']);
      const without: string[] = [];
      await ingestFiles([log], { format: 'combined', maxLineBytes: 65536, known: new Map() }, (h) => without.push(h.ip));
      expect(without).toEqual(['192.0.2.1', '198.51.100.99']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names a bad trusted proxy entry', async () => {
    await expect(ingestFiles([], { format: 'combined', maxLineBytes: 65536, known: new Map(), trustedProxies: ['proxy.example'] }, () => {}))
      .rejects.toMatchObject({ code: 'CONFIG_TRUSTED_PROXIES', message: expect.stringContaining('proxy.example') });
  });
});

describe('clientFromHeaders', () => {
  const none = { forwardedFor: null, realIp: null, cdnIp: null };
  it.each([
    ['192.0.2.1', { ...none, cdnIp: '203.0.113.66' }, '203.0.113.66', 'a CDN header from a trusted peer'],
    ['192.0.2.1', { ...none, realIp: '203.0.113.67' }, '203.0.113.67', 'X-Real-IP from a trusted peer'],
    ['192.0.2.1', { ...none, cdnIp: '203.0.113.66', realIp: '203.0.113.67' }, '203.0.113.66', 'the CDN header before X-Real-IP'],
    ['192.0.2.1', { forwardedFor: '203.0.113.7, 198.51.100.20', realIp: '203.0.113.67', cdnIp: null }, '198.51.100.20', 'X-Forwarded-For is walked first'],
    ['192.0.2.1', { ...none, cdnIp: 'unknown', realIp: '203.0.113.67' }, '203.0.113.67', 'a header that is not an address is passed over'],
    ['192.0.2.1', { ...none, cdnIp: '-' }, '192.0.2.1', 'header "-"'],
    ['203.0.113.99', { ...none, cdnIp: '203.0.113.66', realIp: '203.0.113.67' }, '203.0.113.99', 'an untrusted peer is never overridden'],
    ['192.0.2.1', { ...none, realIp: '[2001:db8::9]:443' }, '2001:db8::9', 'canonical form'],
  ] as const)('%s %j → %s (%s)', (peer, headers, want, _why) => {
    expect(clientFromHeaders(peer, headers, trusted)).toBe(want);
  });
});

describe('ready CDN ranges switched on by name', () => {
  const FORMAT = '$remote_addr - [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" "$http_cf_connecting_ip"';
  const LINE = '173.245.48.10 - [03/Dec/2026:10:00:00 +0000] "GET /.env HTTP/1.1" 404 5 "curl/8.5.0" "203.0.113.66"\n';

  async function ipsWith(extra: { cdnRanges?: string[] }) {
    const dir = await mkdtemp(join(tmpdir(), 'pillory-cdn-'));
    try {
      const log = join(dir, 'access.log');
      await writeFile(log, LINE);
      const ips: string[] = [];
      await ingestFiles([log], { format: FORMAT, maxLineBytes: 65536, known: new Map(), ...extra }, (h) => ips.push(h.ip));
      return ips;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('takes CF-Connecting-IP from a Cloudflare edge only with cdnRanges: [cloudflare]', async () => {
    expect(await ipsWith({ cdnRanges: ['cloudflare'] })).toEqual(['203.0.113.66']);
    expect(await ipsWith({})).toEqual(['173.245.48.10']);
    expect(await ipsWith({ cdnRanges: ['fastly'] })).toEqual(['173.245.48.10']);
  });
});
