// Ageing end to end, through the CLI: four nightly builds over the same real log (elastic apache_logs,
// Apache-2.0, shipped as the demo) with --as-of moving forward, default settings (half-life 30 days,
// threshold 60, grace 30 days). Two probers are followed:
//   188.165.243.45  score 60, last offence 2015-05-20 02:05:24 → listed one day, expired 2015-05-21 02:05:24
//   91.236.75.25    score 100 (130 capped), last offence 2015-05-20 05:05:51 → listed 23 days, expired 2015-06-12 05:05:51
// and after each night the snapshot, the page, the sitemap, the blocklists, removed.txt and the feed are read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../scripts/pillory.mjs', import.meta.url));
const LOG = fileURLToPath(new URL('../../data/demo/elastic-apache/apache_logs', import.meta.url));
const SHORT = '188.165.243.45';
const LONG = '91.236.75.25';

interface Night {
  asOf: string;
  status: Record<string, { status: string; score: number; in_blocklist: number; expired_at: number | null }>;
  page: Record<string, string | null>;
  sitemap: string;
  blocklist: string[];
  removed: string[];
  feed: string;
}

let dir: string;
const nights: Night[] = [];

function night(asOf: string): Night {
  const r = spawnSync(process.execPath, [CLI, 'build', '--log', LOG, '--db', join(dir, 'snap.sqlite'), '--out', join(dir, 'dist'), '--offline', '--as-of', asOf],
    { cwd: dir, encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`pillory build --as-of ${asOf} failed:\n${r.stdout}\n${r.stderr}`);
  const db = new Database(join(dir, 'snap.sqlite'), { readonly: true });
  const rows = db.prepare(`SELECT key, status, score, in_blocklist, expired_at FROM actors WHERE key IN (?, ?)`).all(SHORT, LONG) as
    { key: string; status: string; score: number; in_blocklist: number; expired_at: number | null }[];
  db.close();
  const file = (rel: string) => (existsSync(join(dir, 'dist', rel)) ? readFileSync(join(dir, 'dist', rel), 'utf8') : null);
  const lines = (rel: string) => (file(rel) ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
  return {
    asOf,
    status: Object.fromEntries(rows.map(({ key, ...rest }) => [key, rest])),
    page: { [SHORT]: file(`ip/${SHORT}/index.html`), [LONG]: file(`ip/${LONG}/index.html`) },
    sitemap: file('sitemap-0.xml') ?? '',
    blocklist: lines('blocklist/all.txt'),
    removed: lines('blocklist/removed.txt'),
    feed: file('feed.xml') ?? '',
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pillory-ageing-'));
  for (const asOf of ['2015-05-21T00:00:00Z', '2015-05-22T00:00:00Z', '2015-06-14T03:00:00Z', '2015-07-13T03:00:00Z']) nights.push(night(asOf));
}, 400_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const text = (html: string | null | undefined) => (html ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const inSitemap = (n: Night, ip: string) => n.sitemap.includes(`/ip/${ip}/</loc>`);
const inFeed = (n: Night, ip: string) => n.feed.includes(`/ip/${ip}/`);

describe('ageing across nightly runs (pillory build --as-of …)', () => {
  it('night 1 (2015-05-21 00:00): both published, indexed, in the sitemap, the blocklists and the feed', () => {
    const n = nights[0]!;
    expect(n.status[SHORT]).toEqual({ status: 'published', score: 60, in_blocklist: 1, expired_at: null });
    expect(n.status[LONG]).toEqual({ status: 'published', score: 100, in_blocklist: 1, expired_at: null });
    for (const ip of [SHORT, LONG]) {
      expect(n.page[ip]).not.toContain('noindex');
      expect(inSitemap(n, ip), ip).toBe(true);
      expect(inFeed(n, ip), ip).toBe(true);
    }
    expect(n.blocklist.sort()).toEqual([SHORT, LONG].sort());
    expect(text(n.page[SHORT])).toMatch(/Listed until ?2015-05-21, when the score falls below 60, unless it offends again/);
    expect(text(n.page[LONG])).toMatch(/Listed until ?2015-06-12, when the score falls below 60, unless it offends again/);
    expect(n.removed).toEqual([]);
  });

  it('night 2 (2015-05-22): the bare 60 ages out — page stays, noindex, "no activity since", out of sitemap, blocklists and feed', () => {
    const n = nights[1]!;
    expect(n.status[SHORT]).toEqual({ status: 'expired', score: 58, in_blocklist: 0, expired_at: Date.parse('2015-05-21T02:05:24Z') });
    expect(n.status[LONG]!.status).toBe('published');
    expect(n.page[SHORT]).toContain('<meta name="robots" content="noindex">');
    expect(n.page[SHORT]).not.toContain('rel="canonical"');
    expect(text(n.page[SHORT])).toContain('No activity since 2015-05-20. The score fell below the publication threshold of 60 on 2015-05-21: the address is no longer listed and this page is removed after 2015-06-20.');
    expect(inSitemap(n, SHORT)).toBe(false);
    expect(inFeed(n, SHORT)).toBe(false);
    expect(n.blocklist).toEqual([LONG]);
    expect(n.removed).toEqual([`${SHORT} # aged out: score below 60 since 2015-05-21; no activity since 2015-05-20`]);
    expect(inSitemap(n, LONG)).toBe(true);
  });

  it('night 3 (2015-06-14): the 100 has aged out too; the page keeps its receipt (Σ = the report score) and says since when it is off', () => {
    const n = nights[2]!;
    expect(n.status[LONG]).toEqual({ status: 'expired', score: 57, in_blocklist: 0, expired_at: Date.parse('2015-06-12T05:05:51Z') });
    expect(n.status[SHORT]!.status).toBe('expired');
    const t = text(n.page[LONG]);
    expect(t).toContain('Capped at 100 (the rows above add up to 130) -30');
    // today's 57 is in the snapshot (above); the page shows what the evidence was worth and when it fell below 60
    expect(t).toContain('Σ score at the last offending request (2015-05-20) 100');
    expect(t).toContain('The score fell below the publication threshold of 60 on 2015-06-12');
    expect(t).toContain('this page is removed after 2015-07-12');
    expect(n.blocklist).toEqual([]);
    // each run lists what it took off; the earlier exit is not repeated
    expect(n.removed).toEqual([`${LONG} # aged out: score below 60 since 2015-06-12; no activity since 2015-05-20`]);
    expect(n.sitemap).not.toContain('/ip/');
  });

  it('night 4 (2015-07-13): grace over for both — the pages are gone', () => {
    const n = nights[3]!;
    expect(n.status[SHORT]!.status).toBe('removed');
    expect(n.status[LONG]!.status).toBe('removed');
    expect(n.page[SHORT]).toBeNull();
    expect(n.page[LONG]).toBeNull();
    expect([n.blocklist, n.removed]).toEqual([[], []]);
  });
});
