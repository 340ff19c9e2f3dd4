// Field cases site-01, site-02 and site-03 (../shared/cases/) through the real path: their log lines
// are ingested, scored and enriched by the nightly run, the site is built from that snapshot, and the
// pages are checked as files and, when Debian's Chromium is installed, in the browser.
//
// All case addresses are documentation ranges, which the publish stage never publishes (and which no
// setting can change), so after the real run the test marks every actor at or above the threshold as
// published — the only step that is not the product's own.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { buildSite } from '../../src/site/build-site.ts';
import { chromiumMissing, launchChromium } from '../e2e/browser.ts';
import { serveStatic, type StaticServer } from '../e2e/static-server.ts';

const SITE = 'https://cases.example.net';
const EXPLOIT = '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php';
const line = (ip: string, when: string, request: string, status: number, ua = 'Mozilla/5.0') => `${ip} - - [${when}] "${request}" ${status} 100 "-" "${ua}"`;

// site-01: five spellings of two addresses, each sending a request that counts
const SITE01 = [
  line('192.0.2.10', '03/Dec/2026:01:00:00 +0000', `GET ${EXPLOIT} HTTP/1.1`, 404),
  line('::ffff:192.0.2.10', '03/Dec/2026:01:00:01 +0000', 'GET /.env HTTP/1.1', 404),
  line('2001:db8::1', '03/Dec/2026:01:00:02 +0000', `GET ${EXPLOIT} HTTP/1.1`, 404),
  line('2001:DB8:0:0::1', '03/Dec/2026:01:00:03 +0000', 'GET /.git/config HTTP/1.1', 404),
  line('2001:db8::1%eth0', '03/Dec/2026:01:00:04 +0000', 'GET /wp-login.php HTTP/1.1', 404),
];
// site-02: the two lines exactly as the case gives them, plus an exploit request from each address so
// they reach the publication threshold
const SITE02_LINES = [
  '198.51.100.58 - - [05/Jul/2013:04:55:11 +0000] "GET <title>phpMyAdmin HTTP/1.1" 400 172 "-" "-"',
  '198.51.100.59 - - [03/Aug/2020:23:34:08 +0545] "GET /?%3Cimg%20src=x%20onerror=alert(1)%3E HTTP/1.1" 200 409 "-" "<script>alert(document.domain)</script>"',
];
const SITE02 = [
  ...SITE02_LINES,
  line('198.51.100.58', '05/Jul/2013:04:55:12 +0000', `GET ${EXPLOIT} HTTP/1.1`, 404, '-'),
  line('198.51.100.59', '03/Aug/2020:23:34:09 +0545', `GET ${EXPLOIT} HTTP/1.1`, 404, '<script>alert(document.domain)</script>'),
];
// site-03: the user agent that broke out of JSON-LD
const BREAKOUT = '</script><script>alert(1)</script>';
const SITE03 = [line('198.51.100.60', '03/Dec/2026:02:00:00 +0000', `GET ${EXPLOIT} HTTP/1.1`, 404, BREAKOUT)];

// The heaviest report we can make: every should-match sample of every rule in data/rules, sent by
// one address, plus requests with long paths, user agents and referers. Its page must stay small.
const HEAVY = '198.51.100.99';
function heavyLines(): string[] {
  const rulesDir = path.join(import.meta.dirname, '../../data/rules');
  const samples: string[] = [];
  for (const rule of readdirSync(rulesDir)) {
    const file = path.join(rulesDir, rule, 'samples.log');
    if (!existsSync(file)) continue;
    let take = false;
    for (const l of readFileSync(file, 'utf8').split('\n')) {
      if (l.startsWith('#')) take = /^#\s*match/i.test(l);
      else if (take && l.trim()) samples.push(l.replace(/^\S+/, HEAVY));
    }
  }
  const long = (i: number) => 'x'.repeat(300 + i);
  for (let i = 0; i < 40; i++) {
    samples.push(`${HEAVY} - - [03/Dec/2026:10:0${i % 10}:00 +0000] "GET /wp-content/plugins/${long(i)}/readme.txt HTTP/1.1" 404 100 "https://ref${i}.example/${long(i)}" "Mozilla/5.0 (${long(i)}) agent ${i}"`);
  }
  return samples;
}

// The operator's secrets, planted where real logs carry them: a token as a path segment and as a query
// value, the operator's host in an absolute-form target and a referer, an e-mail address in the user
// agent. The same address also probes an exploit path so it is published.
const SECRET = { host: 'shop.operator-secret.example', token: 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0', value: 'hunter2-SECRET-VALUE', email: 'owner@operator-secret.example' };
const SECRETS = [
  line('198.51.100.70', '03/Dec/2026:02:30:00 +0000', `GET ${EXPLOIT}?key=${SECRET.value} HTTP/1.1`, 404, `Mozilla/5.0 (contact ${SECRET.email})`),
  line('198.51.100.70', '03/Dec/2026:02:30:01 +0000', `GET http://${SECRET.host}/api/${SECRET.token}/.env?session=${SECRET.value} HTTP/1.1`, 404),
  `198.51.100.70 - - [03/Dec/2026:02:30:02 +0000] "GET /.git/config HTTP/1.1" 404 100 "https://${SECRET.host}/account?reset=${SECRET.value}" "curl/8.0 ${SECRET.token}"`,
];

let dir: string;
let out: string;
let files: string[];
const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

async function nightly(dbFile: string, log: string, ipv6Prefix: number): Promise<void> {
  const cfg = validateConfig({
    logs: [log], db: dbFile, out: path.join(dir, 'unused'), offline: true, scorePrivate: true, asOf: 'newest',
    windowDays: 5000, halfLifeDays: 0, ipv6Prefix, site: { url: SITE, name: 'Cases' }, redact: { hosts: [SECRET.host] },
  }, 'site-cases test');
  const run = await runNightly(cfg, { now: () => Date.UTC(2026, 11, 3, 3), log: () => {} });
  run.copy.publish();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-cases-'));
  out = path.join(dir, 'dist');
  const log = path.join(dir, 'access.log');
  writeFileSync(log, `${[...SITE01, ...SITE02, ...SITE03, ...SECRETS, ...heavyLines()].join('\n')}\n`);
  const db = path.join(dir, 'snapshot.sqlite');
  // the case speaks of address actors: one IPv6 address is one actor (ipv6Prefix 128)
  await nightly(db, log, 128);
  const s = new Database(db);
  s.prepare(`UPDATE actors SET published = 1, status = 'published', in_blocklist = 1, excluded = NULL,
    first_published = coalesce(first_published, (SELECT max(as_of) FROM runs)) WHERE score >= 60`).run();
  s.close();
  await buildSite({ snapshot: db, outDir: out, siteUrl: SITE });
  files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('site-01: one address, one page, one URL that works on every file system', () => {
  it('builds exactly two pages for the five spellings: /ip/192.0.2.10/ and /ip/2001-db8--1/', () => {
    const reports = files.filter((f) => /^ip\/[^/]+\/index\.html$/.test(f)).sort();
    expect(reports.filter((f) => /192\.0\.2\.|2001-/.test(f))).toEqual(['ip/192.0.2.10/index.html', 'ip/2001-db8--1/index.html']);
    expect(files.filter((f) => /[:%]/.test(f))).toEqual([]);
    // the five lines are five requests of two actors
    expect(read('ip/192.0.2.10/index.html')).toContain('<dd>2 requests</dd>');
    expect(read('ip/2001-db8--1/index.html')).toContain('<dd>3 requests</dd>');
  });

  it('uses the same slug and trailing slash in canonical tags, links, feed, sitemap and exports', () => {
    const sitemap = readdirSync(out).filter((f) => /^sitemap-\d+\.xml$/.test(f)).map(read).join('');
    for (const [slug, key] of [['192.0.2.10', '192.0.2.10'], ['2001-db8--1', '2001:db8::1']] as const) {
      const url = `${SITE}/ip/${slug}/`;
      expect(read(`ip/${slug}/index.html`)).toContain(`<link rel="canonical" href="${url}">`);
      expect(read(`ip/${slug}/index.html`)).toContain(`<meta property="og:url" content="${url}">`);
      expect(sitemap).toContain(`<loc>${url}</loc>`);
      expect(read('feed.xml')).toContain(`<link rel="alternate" type="text/html" href="${url}"/>`);
      expect(read('index.html')).toContain(`<a href="/ip/${slug}/">`);
      expect(JSON.parse(read('blocklist/blocklist.json')).entries.find((e: { address: string }) => e.address === key).report).toBe(url);
    }
    for (const wrong of ['::ffff:192.0.2.10', '2001:DB8', 'eth0', '2001:db8:0:0::1']) {
      for (const f of files.filter((f) => /\.(html|xml|json|txt)$/.test(f))) expect(read(f), `${f}: ${wrong}`).not.toContain(wrong);
    }
  });

  it('with the default IPv6 grouping (/64) the five spellings are still exactly two actors, with safe slugs', async () => {
    const db = path.join(dir, 'grouped.sqlite');
    const log = path.join(dir, 'site01.log');
    writeFileSync(log, `${SITE01.join('\n')}\n`);
    await nightly(db, log, 64);
    const s = new Database(db, { readonly: true });
    expect(s.prepare('SELECT key, slug FROM actors ORDER BY key').all()).toEqual([
      { key: '192.0.2.10', slug: '192.0.2.10' },
      { key: '2001:db8::/64', slug: '2001-db8---64' },
    ]);
    s.close();
  });
});

describe('site-02: log content is attacker-controlled text', () => {
  it('shows "<title>phpMyAdmin" literally, escaped, as the request of 198.51.100.58', () => {
    const html = read('ip/198.51.100.58/index.html');
    expect(html).toContain('<td>&lt;title&gt;phpMyAdmin</td>');
    expect(html).not.toContain('<title>phpMyAdmin');
  });

  it('shows the query-key payload of 198.51.100.59 redacted and escaped, and its user agent as text', () => {
    const html = read('ip/198.51.100.59/index.html');
    expect(html).toContain('<td>/?%3Cimg%20src=…</td>');
    expect(html).toContain('<li>&lt;script&gt;alert(document.domain)&lt;/script&gt;</li>');
    expect(html).not.toMatch(/<script>alert|onerror=alert/);
    // the line's time was converted from +0545 to UTC
    expect(html).toContain('2020-08-03 17:49:08');
  });

  it('no value from a log is a link target or an unquoted attribute anywhere', () => {
    for (const f of files.filter((f) => f.endsWith('.html'))) {
      const html = read(f);
      // links go to this site, the data sources' attribution pages (src/site/attribution.ts) or an abuse mailbox
      for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1], f).toMatch(/^(\/|https:\/\/(cases\.example\.net|db-ip\.com|github\.com\/sapics\/ip-location-db|www\.maxmind\.com)|mailto:|#)/);
      expect(html, f).not.toMatch(/<[a-z]+\s[^>]*=[^"'\s>]*[<>]/);
    }
  });
});

describe('site-03: JSON inside <script type="application/ld+json"> must not end the script', () => {
  it('keeps the user agent out of the JSON-LD and shows it as text on the page', () => {
    const html = read('ip/198.51.100.60/index.html');
    const ld = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(ld).toHaveLength(1);
    expect(ld[0]).not.toMatch(/[<>&]/);
    expect(JSON.stringify(JSON.parse(ld[0]!))).not.toContain('alert');
    // exactly two script elements: the search script and the JSON-LD
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain('<li>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</li>');
    expect(text(html)).toContain(BREAKOUT);
  });
});

describe('redaction through the real pipeline', () => {
  it('publishes the address that carried the secrets, and no secret in any file of dist/', () => {
    expect(files).toContain('ip/198.51.100.70/index.html');
    for (const f of files) {
      const bytes = readFileSync(path.join(out, f)).toString('latin1').toLowerCase();
      for (const [what, secret] of Object.entries(SECRET)) expect(bytes.includes(secret.toLowerCase()), `${f} holds the planted ${what}`).toBe(false);
    }
    const html = read('ip/198.51.100.70/index.html');
    expect(html).toContain(`<td>${EXPLOIT}?key=…</td>`);
    expect(html).toContain('<td>/api/tok_[redacted]/.env?session=…</td>');
    expect(html).toContain('<li>Mozilla/5.0 (contact [redacted])</li>');
  });
});

describe('report page size', () => {
  it('stays under 30 KB of HTML for the heaviest report (every rule sample from one address, long strings)', () => {
    const html = read(`ip/${HEAVY}/index.html`);
    if (process.env.PILLORY_KEEP_HEAVY) writeFileSync(process.env.PILLORY_KEEP_HEAVY, html);
    const sigs = (html.match(/scope="rowgroup" id="sig-/g) ?? []).length;
    const sizes = files.filter((f) => /^ip\/[^/]+\/index\.html$/.test(f)).map((f) => [f, Buffer.byteLength(read(f))] as const).sort((a, b) => b[1] - a[1]);
    console.log(`report page sizes (bytes): ${sizes.map(([f, n]) => `${f.slice(3, -11)} ${n}`).join(', ')}; heaviest has ${sigs} signatures`);
    expect(sigs).toBeGreaterThanOrEqual(15);
    // "~30 KB": this extreme (every rule at once) measures just under 30,000 bytes; 30 KiB leaves room
    expect(Buffer.byteLength(html)).toBeLessThan(30 * 1024);
    // the cut is said, not hidden (rows shown of how many), and no cell carries a whole long path
    expect(html).toMatch(/ requests, \d+ shown/);
    for (const m of html.matchAll(/<td>([^<]*)<\/td>/g)) expect(m[1]!.length).toBeLessThanOrEqual(161 + 40);
  });
});

const noBrowser = chromiumMissing();
describe.skipIf(noBrowser !== null)('site-02 and site-03 in Chromium: no dialog, no injected element, the text shown literally', () => {
  let server: StaticServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  const dialogs: string[] = [];
  beforeAll(async () => {
    server = await serveStatic(out);
    browser = await launchChromium();
    browser.context.on('page', (p) => p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each([
    ['198.51.100.58', '<title>phpMyAdmin'],
    ['198.51.100.59', '<script>alert(document.domain)</script>'],
    ['198.51.100.60', BREAKOUT],
  ])('/ip/%s/ shows %s as text', async (slug, literal) => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/ip/${slug}/`);
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain(literal);
    const bad = await page.evaluate(() => [
      ...Array.from(document.querySelectorAll('img, iframe, object, embed, svg title ~ script, body script:not([src])'), (e) => e.tagName),
      ...Array.from(document.querySelectorAll('head script:not([src]):not([type="application/ld+json"])'), () => 'inline head script'),
      ...Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
    ]);
    expect(bad).toEqual([]);
    expect(await page.title()).not.toContain('phpMyAdmin');
    await page.close();
    expect(dialogs).toEqual([]);
  });
});
