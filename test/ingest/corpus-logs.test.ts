import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Hit } from '../../src/core/types.ts';
import { ingestFiles } from '../../src/ingest/ingest-files.ts';
import { parseLine } from '../../src/ingest/parse-line.ts';

// Real third-party logs (Apache-2.0, see data/demo/README.md), replayed as-is.
const fixture = (p: string) => fileURLToPath(new URL(`../../data/demo/${p}`, import.meta.url));
const APACHE = fixture('elastic-apache/apache_logs');
const HACKERS = fixture('logparser-hackers/hackers-access.log');

async function ingest(path: string) {
  const hits: Omit<Hit, 'id'>[] = [];
  const res = await ingestFiles([path], { format: 'combined', maxLineBytes: 64 * 1024, known: new Map() }, (h) => hits.push(h));
  return { res, hits };
}

describe('elastic-apache/apache_logs (10,000 lines)', () => {
  it('parses 9,999 lines; the one failure is a line cut off inside its user agent', async () => {
    const { res, hits } = await ingest(APACHE);
    expect(res.counts).toEqual({ read: 10000, parsed: 9999, skipped: { malformed: 1 } });
    expect(new Set(hits.map((h) => h.ip)).size).toBe(1753);
    expect(hits.filter((h) => h.tag !== null)).toHaveLength(0);
    expect(new Date(res.oldestTs!).toISOString()).toBe('2015-05-17T10:05:00.000Z');
    expect(new Date(res.newestTs!).toISOString()).toBe('2015-05-20T21:05:59.000Z');
    expect(res.checkpoints).toEqual([expect.objectContaining({ path: APACHE, offset: 2370789, lines: 10000 })]);
  });

  it('the malformed line is 8,899: its user agent has no closing quote (the line was truncated)', async () => {
    const line = (await readFile(APACHE, 'utf8')).split('\n')[8898]!;
    expect(line.endsWith('"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html')).toBe(true);
    expect(parseLine(line, 'combined')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('flags the 3 referers holding escaped non-UTF-8 bytes (a cp1251 host name) and keeps the hits', async () => {
    const { hits } = await ingest(APACHE);
    const bad = hits.filter((h) => h.badUtf8);
    expect(bad.map((h) => h.ip)).toEqual(['201.242.142.135', '186.93.30.106', '186.93.16.149']);
    expect(bad[0]!.referer).toMatch(/^http:\/\/\uFFFD+-\uFFFD+\.\uFFFD+\/$/);
    expect(bad[0]!.target).toBe('/files/logstash/');
  });

  it('counts the methods exactly', async () => {
    const { hits } = await ingest(APACHE);
    const methods: Record<string, number> = {};
    for (const h of hits) methods[h.method] = (methods[h.method] ?? 0) + 1;
    expect(methods).toEqual({ GET: 9951, HEAD: 42, POST: 5, OPTIONS: 1 });
  });
});

describe('logparser-hackers/hackers-access.log (3,456 lines, +0100)', () => {
  it('parses every line, with the +0100 offset applied', async () => {
    const { res, hits } = await ingest(HACKERS);
    expect(res.counts).toEqual({ read: 3456, parsed: 3456, skipped: {} });
    expect(hits[0]).toMatchObject({ ip: '195.154.46.135', ts: Date.UTC(2015, 9, 25, 3, 11, 25), method: 'GET', target: '/linux/doing-pxe-without-dhcp-control', status: 200, bytes: 24323 });
    expect(new Date(res.newestTs!).toISOString()).toBe('2015-10-30T14:59:39.000Z');
  });

  it('finds the 415 addresses that POST /join_form, and the IPv6 clients', async () => {
    const { hits } = await ingest(HACKERS);
    expect(new Set(hits.filter((h) => h.method === 'POST' && h.target === '/join_form').map((h) => h.ip)).size).toBe(415);
    expect(new Set(hits.map((h) => h.ip)).size).toBe(520);
    expect(hits.filter((h) => h.ip.includes(':'))).toHaveLength(12);
  });
});
