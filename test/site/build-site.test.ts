// The one slow test: builds the fixture snapshot into a real site and checks the files, then feeds
// every built export to the tool it is written for.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/site/build-site.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/site/security.ts';
import { aggregateCidrs } from '../../src/site/cidr.ts';
import { FIXTURE, makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';
import { missing, nginxTest, openNamespace, q, scratchDir, shellSyntax } from './export-tools.ts';
import { atomProblems, child, childrenNamed, parseXml } from './strict-xml.ts';

const SITE = 'https://reports.example.net';
// small enough that the fixture's 17 indexable pages need four sitemap files
const ENTRY_LIMIT = 5;
let dir: string;
let out: string;
let pages: number;
let files: string[];

const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
// scoped-style attributes are noise for these assertions
const plain = (html: string) => html.replace(/ data-astro-cid-[a-z0-9]+/g, '');
const htmlFiles = () => files.filter((f) => f.endsWith('.html'));
const textFiles = () => files.filter((f) => /\.(html|xml|txt|css|js|json|csv|conf|restore|nft|sh)$/.test(f) || f.endsWith('_headers'));
const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const REPORTS = ['ip/192.0.2.10/index.html', 'ip/192.0.2.77/index.html', 'ip/198.51.100.30/index.html', 'ip/2001-db8--1/index.html', 'ip/2001-db8-1-2---64/index.html'];
const EXPIRED = ['ip/203.0.113.5/index.html', 'ip/203.0.113.6/index.html'];
const EXPORT_DIRS = ['blocklist/', 'blocklist/country/de/', 'blocklist/country/fr/', 'blocklist/country/nl/', 'blocklist/asn/64500/', 'blocklist/asn/64502/', 'blocklist/asn/64503/', 'blocklist/asn/64504/'];
const LINE_EXPORTS = ['all.txt', 'ipv4.txt', 'ipv6.txt', 'cidr-ipv4.txt', 'cidr-ipv6.txt', 'nginx-deny.conf', 'ipset.restore', 'nftables.nft', 'iptables.sh', 'added.txt', 'removed.txt'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-site-'));
  out = path.join(dir, 'dist');
  makeFixtureSnapshot(path.join(dir, 'snapshot.sqlite'));
  process.env.PILLORY_SITEMAP_ENTRY_LIMIT = String(ENTRY_LIMIT);
  try {
    ({ pages } = await buildSite({ snapshot: path.join(dir, 'snapshot.sqlite'), outDir: out, siteUrl: SITE }));
  } finally {
    delete process.env.PILLORY_SITEMAP_ENTRY_LIMIT;
  }
  files = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every <loc> of every sitemap the index names, in order, parsed strictly. */
function sitemapLocs(): { files: string[]; perFile: string[][] } {
  const index = parseXml(read('sitemap-index.xml'));
  const names = childrenNamed(index, 'sitemap').map((s) => new URL(child(s, 'loc')!.text).pathname.slice(1));
  return { files: names, perFile: names.map((n) => childrenNamed(parseXml(read(n)), 'url').map((u) => child(u, 'loc')!.text)) };
}

describe('buildSite on the fixture snapshot', () => {
  it('writes one page per published or expired actor plus the index pages, and counts them', () => {
    expect(htmlFiles().sort()).toEqual([
      '404.html', 'about/index.html', 'asn/64500/index.html', 'asn/64502/index.html', 'asn/64503/index.html', 'asn/index.html', 'blocklist/index.html',
      'country/de/index.html', 'country/index.html', 'country/nl/index.html', 'index.html', ...REPORTS, ...EXPIRED,
      'methodology/index.html', 'removal/index.html', 'search/index.html',
    ].sort());
    expect(pages).toBe(21);
  });

  it('shows the report score with a Σ row equal to it, and when it decays below 80 and 60 as dates', () => {
    const html = plain(read('ip/192.0.2.10/index.html'));
    // the report's score: its signatures at the last offending request (today's 92 is on the blocklists)
    expect(html).toContain(`<span class="score">${FIXTURE.v4.rawScore}</span> critical`);
    // 40 + 30 + 20 + 10 = 100 (the 10-point WordPress login row is the same family, counted once); the
    // 5 DNSBL points do not fit under 100, so there is no corroboration row
    const table = html.slice(html.indexOf('<h2 id="signatures">'), html.indexOf('</tbody>', html.indexOf('<h2 id="signatures">')));
    const points = table.split('<tr>').slice(2).map((row) => Number([...row.matchAll(/<td class="num">([-+]?\d+)<\/td>/g)].at(-1)![1]));
    expect(points).toEqual([40, 30, 20, 0, 10]);
    expect(html).not.toContain('Corroboration:');
    expect(html).toContain(`<tr class="sum"><th scope="row" colspan="3">Σ score at the last offending request (2026-11-20)</th><th class="num">100</th></tr>`);
    const text = html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain('It halves every 30 days from then, counted in whole days: below 80 on 2026-11-30 (out of the critical band); below 60 on 2026-12-13 (below the publication threshold: it leaves the blocklists), unless it offends again.');
    // today's value is worked out by the browser from these numbers, never written into the page
    expect(html).toContain(`<output class="score-now" hidden data-score-now data-raw="100" data-last="${Date.UTC(2026, 10, 20, 5, 1, 11)}" data-half="30" data-extra="0" data-threshold="60"></output>`);
    expect(html).toContain('<script src="/score-now.js" defer></script>');
    expect(plain(read('ip/2001-db8--1/index.html'))).toContain(`<th class="num">${FIXTURE.v6.score}</th></tr></tfoot>`);
  });

  it('an IPv6 /64 report lists the addresses seen inside it', () => {
    const text = plain(read(`ip/${FIXTURE.net6.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain(`Addresses seen${FIXTURE.net6.ips.join(', ')}`);
  });

  it('an aged-out report: noindex, "no activity since", removal date, out of the sitemap and the feed', () => {
    const html = read(`ip/${FIXTURE.expiredNew.slug}/index.html`);
    const text = plain(html).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(text).toContain('Expired report. No activity since 2026-11-18. The score fell below the publication threshold of 60 on 2026-12-02: the address is no longer listed and this page is removed after 2027-01-01.');
    expect(text).toContain('This address is not in the blocklists any more: it aged out.');
    expect(read('sitemap-0.xml')).not.toContain(`/ip/${FIXTURE.expiredNew.slug}/`);
    expect(read('feed.xml')).not.toContain(FIXTURE.expiredNew.key);
    expect(read('index.html')).not.toContain(FIXTURE.expiredNew.key);
    expect(JSON.parse(read(`ip/${FIXTURE.expiredNew.slug}.json`))).toMatchObject({ status: 'expired', score: 60, in_blocklist: false, expired_at: '2026-12-02T15:00:00.000Z' });
  });

  it('a research scanner is labelled on its page and said to be out of the blocklists', () => {
    const text = plain(read(`ip/${FIXTURE.scanner.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain(`Research scanner: ${FIXTURE.scanner.name}, identified by its published address ranges or its reverse DNS name. Shown for transparency; it is not in the blocklists.`);
    expect(text).toContain('This address is not in the blocklists: it is a research scanner.');
  });

  it('a shared address (mobile carrier) gets the softer advice and no range block', () => {
    const text = plain(read(`ip/${FIXTURE.net6.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toMatch(/Shared address ?mobile carrier network/);
    expect(text).toContain('If you still block this network, block it for a limited time');
    expect(text).not.toMatch(/blocking the whole/);
  });

  it('has the report sections in order: header, 01–06, blocklists, neighbours, analysis', () => {
    for (const f of [...REPORTS, ...EXPIRED]) {
      const ids = [...read(f).matchAll(/<h[12][^>]*\bid="([a-z]+)"/g)].map((m) => m[1]);
      expect(ids, f).toEqual(['geo', 'signatures', 'activity', 'timeline', 'provider', 'recommendations', 'dnsbl', 'neighbours', 'analysis']);
      expect(read(f).indexOf('<h1'), f).toBeLessThan(read(f).indexOf('id="geo"'));
    }
  });

  it('03: each signature lists its real requests, the heading count agrees with the table, and the redaction note says what was removed', () => {
    const html = plain(read('ip/192.0.2.10/index.html'));
    // the table's Requests column and the section heading give the same count
    expect(html).toContain('<code>secret-files</code><span class="desc">Requests for .env and credential files.</span></td><td>critical</td><td class="num">2</td><td class="num">40</td></tr>');
    expect(html).toContain('<tr><th colspan="4" scope="rowgroup" id="sig-secret-files">Secret file probing <span class="muted">— 2 requests</span></th></tr> <tr><td>2026-11-20 04:57:11</td><td>GET</td><td>/.env</td><td>403</td></tr><tr><td>2026-11-20 04:58:11</td><td>GET</td><td>/login?token=…&amp;next=…</td><td>200</td></tr>');
    expect(html).toContain('Here: query values removed from 1 request (shown as “…”; parameter names stay); 1 referer to other sites shown without their host.');
    const scanner = plain(read('ip/198.51.100.30/index.html'));
    expect(scanner).toContain('<td>/api/[redacted]/status</td>');
    expect(scanner).toContain('Here: 2 strings with a host name, e-mail address or token replaced by [redacted].');
  });

  it('04: the timeline has the first request, each signature firing, the last request and when it ages out', () => {
    const text = unescapeHtml(read('ip/2001-db8--1/index.html').replace(/<[^>]+>/g, ''));
    const at = (s: string) => text.indexOf(s);
    expect(at('2026-11-20 05:55:11 UTC First request')).toBeGreaterThan(0);
    expect(at('2026-11-20 05:55:11 UTC First fired: Git repository probing')).toBeGreaterThan(at('First request'));
    expect(at('2026-11-20 05:56:11 UTC First fired: XML-RPC abuse')).toBeGreaterThan(at('First fired: Git'));
    expect(at('2026-11-20 05:56:11 UTC Last request')).toBeGreaterThan(at('First fired: XML-RPC'));
    // whole days of decay: 70 × 0.5^(7/30) is the first value under 60, 7 days after the snapshot's as-of
    expect(at('2026-12-10 03:00:00 UTC Ages out: the score falls below 60 unless it offends again')).toBeGreaterThan(at('Last request'));
  });

  it('05: the provider section names the abuse contact or says why there is none, and carries a ready e-mail', () => {
    expect(read('ip/2001-db8--1/index.html')).toContain('none: the registry (RDAP) names no abuse mailbox for this network');
    expect(read('ip/192.0.2.77/index.html')).toContain('not on record: the registry (RDAP) was not asked yet');
    const mail = unescapeHtml(read('ip/192.0.2.10/index.html').match(/<pre class="mail"><code>(Hello,[\s\S]*?)<\/code><\/pre>/)![1]!);
    expect(mail).toContain('192.0.2.10, announced by AS64500 (Example Hosting B.V.), sent 7 requests to our web server between 2026-11-20 04:55:11 UTC and 2026-11-20 05:01:11 UTC.');
    expect(mail).toContain('  2026-11-20 04:58:11 UTC  GET /login?token=…&next=…  → 200  [secret-files]');
    expect(mail).toContain(`Full report with every signature and the evidence behind it: ${SITE}/ip/192.0.2.10/`);
  });

  it('06: recommendations follow from what fired, name answered requests and the network, and block this address', () => {
    const html = unescapeHtml(plain(read('ip/192.0.2.10/index.html')));
    expect(html).toContain('Make sure no dotfiles (.env, .git/), backups or configuration files are served');
    expect(html).toContain('Answered with 2xx, check what these returned: <span class="mono">/login?token=…&next=…</span>.');
    expect(html).toContain('The address belongs to a hosting network');
    expect(html).toContain('<pre><code>deny 192.0.2.10;</code></pre>');
    expect(html).toContain("nft add element inet pillory blocked_v4 '{ 192.0.2.10 }'");
    // the research scanner is told apart, and a shared (mobile) network gets no range advice
    expect(read('ip/198.51.100.30/index.html')).toContain('This is the research scanner Censys: it scans the whole internet and publishes what it finds. It is not in the blocklists on this site.');
    expect(read('ip/2001-db8-1-2---64/index.html')).toContain('never block its whole range');
    expect(read('ip/2001-db8-1-2---64/index.html')).not.toContain('belongs to a hosting network');
  });

  it('lists other published addresses of the same /24 and network, and ends with the written analysis', () => {
    const html = plain(read('ip/192.0.2.10/index.html'));
    expect(html).toMatch(/<h3>Same block <span class="mono">192\.0\.2\.0\/24<\/span><\/h3> <ul class="plain"><li><a class="mono" href="\/ip\/192\.0\.2\.77\/">192\.0\.2\.77<\/a>/);
    const analysis = unescapeHtml(html.slice(html.indexOf('id="analysis"')).replace(/<[^>]+>/g, ''));
    expect(analysis).toContain('192.0.2.10 sent 7 requests to this site over 6 minutes on 2026-11-20.');
    expect(analysis).toContain('1 other published address shares its 192.0.2.0/24 block.');
    expect(analysis).toContain('2 of 3 DNS blocklists that answered list it, some for policy reasons rather than abuse.');
  });

  it('draws the activity timeline and the per-hour heat strip as static SVG with a text summary', () => {
    const html = read('ip/192.0.2.10/index.html');
    expect(plain(html)).toContain('<dt>Days active</dt><dd>1 day with requests (UTC)</dd>');
    expect(html).toContain('aria-labelledby="days-t"');
    expect(html).toContain('<figcaption id="days-t">Requests per day (UTC): 7 requests from 2026-11-20 to 2026-11-20; busiest day 2026-11-20 with 7 requests.</figcaption>');
    expect(html).toContain('Requests by hour of day (UTC): active in 2 hours of 24, busiest 04:00–04:59 with 5 requests');
    // one bar for the one active day; the strip's background plus the two active hours
    expect((html.match(/<rect /g) ?? []).length).toBe(1 + 1 + 2);
  });

  it('site-01: IPv6 page at the dash slug, no ":" or "%" in any output path', () => {
    expect(existsSync(path.join(out, 'ip/2001-db8--1/index.html'))).toBe(true);
    expect(files.filter((f) => /[:%]/.test(f))).toEqual([]);
    expect(sitemapLocs().perFile.flat()).toContain(`${SITE}/ip/2001-db8--1/`);
    expect(read('ip/2001-db8--1/index.html')).toContain(`<link rel="canonical" href="${SITE}/ip/2001-db8--1/">`);
  });

  it('gives the unpublished actor no page and no mention', () => {
    expect(files.some((f) => f.includes(FIXTURE.hidden.slug))).toBe(false);
    for (const f of textFiles()) expect(read(f), f).not.toContain('hidden-unpublished-path');
  });

  it('writes robots.txt pointing at the sitemap index', () => {
    expect(read('robots.txt')).toBe(`User-agent: *\nAllow: /\n\nSitemap: ${SITE}/sitemap-index.xml\n`);
  });

  it(`splits the sitemap into files of at most ${ENTRY_LIMIT} URLs with every indexable page exactly once`, () => {
    const { files: maps, perFile } = sitemapLocs();
    expect(maps).toEqual(['sitemap-0.xml', 'sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml']);
    for (const locs of perFile) expect(locs.length).toBeLessThanOrEqual(ENTRY_LIMIT);
    const want = htmlFiles().filter((f) => !['404.html', 'search/index.html', ...EXPIRED].includes(f)).map((f) => `${SITE}/${f.replace(/index\.html$/, '')}`).sort();
    expect(perFile.flat().sort()).toEqual(want);
  });

  it('keeps expired reports as noindex pages that say so, out of the sitemap, lists, feed and exports', () => {
    for (const f of EXPIRED) {
      const html = read(f);
      expect(html, f).toContain('<meta name="robots" content="noindex">');
      expect(html, f).not.toContain('rel="canonical"');
      expect(html, f).toContain('<strong>Expired report.</strong>');
    }
    expect(read('ip/203.0.113.5/index.html')).toContain('The score fell below the publication threshold of 60 on 2026-11-30: the address is no longer listed and this page is removed after 2026-12-30.');
    for (const f of ['index.html', 'feed.xml', 'blocklist/all.txt', 'blocklist/blocklist.json', 'country/index.html']) {
      expect(read(f), f).not.toContain('203.0.113.5');
    }
    expect(JSON.parse(read('ip/203.0.113.5.json'))).toMatchObject({ address: '203.0.113.5', status: 'expired', in_blocklist: false, expired_at: '2026-11-30T03:00:00.000Z' });
  });

  it('site-02/site-03: hostile log text is escaped everywhere', () => {
    for (const f of textFiles()) {
      const text = read(f);
      expect(text, f).not.toMatch(/<script>alert/i);
      expect(text, f).not.toMatch(/<img src=x/i);
      expect(text, f).not.toContain('</script><script>');
      expect(text, f).not.toMatch(/<title>phpMyAdmin/);
      expect(text, f).not.toMatch(/<svg\/onload|<iframe srcdoc|href="javascript:/i);
    }
    const html = read('ip/192.0.2.10/index.html');
    expect(html).toContain('/&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;title&gt;phpMyAdmin');
  });

  it('publishes no planted secret in any file of dist/: query value, operator host name, e-mail address, token, raw junk bytes', () => {
    // every file, whatever its type: a secret in a .png or a sitemap is as public as one in a page
    for (const f of files) {
      const text = readFileSync(path.join(out, f)).toString('latin1');
      expect(text, f).not.toContain(FIXTURE.secret);
      expect(text.toLowerCase(), f).not.toContain(FIXTURE.operatorHost);
      expect(text, f).not.toContain(FIXTURE.secretEmail);
      expect(text, f).not.toContain(FIXTURE.token);
      expect(text, f).not.toContain('\\x16\\x03\\x01\\x00\\xa5');
    }
    expect(read('ip/192.0.2.10/index.html')).toContain('[tls-handshake]');
  });

  it.each([
    'index.html', ...REPORTS, ...EXPIRED, 'country/index.html', 'country/nl/index.html', 'asn/index.html', 'asn/64500/index.html', '404.html',
    'about/index.html', 'methodology/index.html', 'blocklist/index.html', 'removal/index.html', 'search/index.html',
  ])('%s carries the CSP, no inline script or style, no third-party resource, the DB-IP attribution, and stays small', (f) => {
    const html = read(f);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    // the only script without src is JSON-LD data, which the browser never runs
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/ld\+json")[^>]*>/);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<style[\s>]/);
    // scripts, stylesheets, icons and images come from this site only (no web fonts, no trackers)
    for (const m of html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"/g)) {
      if (/rel="(canonical|alternate)"/.test(m[0])) continue;
      expect(m[1], `${f}: ${m[0]}`).toMatch(/^\/[^/]/);
    }
    expect(html).toMatch(/<a href="https:\/\/db-ip\.com"[^>]*>IP Geolocation by DB-IP<\/a>/);
    // report pages (the 100k of them) stay under 30 KB; the one methodology page lists every rule
    expect(Buffer.byteLength(html)).toBeLessThan(f.startsWith('methodology') ? 80_000 : 30_000);
  });

  it('ships no web font and no third-party URL in its stylesheets and scripts', () => {
    for (const f of files.filter((f) => /\.(css|js)$/.test(f))) {
      const text = read(f);
      expect(text, f).not.toMatch(/@font-face|@import|url\(\s*['"]?(https?:)?\/\//i);
      expect(text, f).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
    expect(files.filter((f) => /\.(woff2?|ttf|otf|eot)$/.test(f))).toEqual([]);
  });

  it('uses one trailing-slash rule for every internal link: pages end in "/", files have an extension', () => {
    for (const f of htmlFiles()) {
      for (const m of read(f).matchAll(/\bhref="(\/[^"#?]*)[^"]*"/g)) {
        const href = m[1]!;
        expect(href.endsWith('/') || /\.[a-z0-9]+$/.test(href), `${f}: ${href}`).toBe(true);
        if (href.endsWith('/')) expect(existsSync(path.join(out, href, 'index.html')), `${f} links to missing ${href}`).toBe(true);
        else expect(existsSync(path.join(out, href)), `${f} links to missing ${href}`).toBe(true);
      }
    }
  });

  it('site-03: JSON-LD escapes < > & and carries no log text', () => {
    for (const f of htmlFiles()) {
      for (const m of read(f).matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)) {
        expect(m[1], f).not.toMatch(/[<>&]/);
        const data = JSON.parse(m[1]!);
        expect(JSON.stringify(data), f).not.toMatch(/alert|phpMyAdmin|wp-login/);
      }
    }
    expect(read('ip/192.0.2.77/index.html')).toContain('<script type="application/ld+json">');
  });

  it('gives every indexable page a canonical URL with a trailing slash, a title, a description, Open Graph and Twitter tags', () => {
    const locs = sitemapLocs().perFile.flat();
    for (const f of htmlFiles().filter((f) => !['404.html', 'search/index.html', ...EXPIRED].includes(f))) {
      const html = read(f);
      const want = `${SITE}/${f.replace(/index\.html$/, '')}`;
      expect(html, f).toContain(`<link rel="canonical" href="${want}">`);
      expect(html, f).toContain(`<meta property="og:url" content="${want}">`);
      expect(html, f).toMatch(/<meta property="og:title" content="[^"]{10,}">/);
      expect(html, f).toContain('<meta name="twitter:card" content="summary">');
      expect(html, f).toMatch(/<title>[^<]{10,} · Pillory Test<\/title>/);
      expect(html, f).toMatch(/<meta name="description" content="[^"]{40,}">/);
      expect(locs, f).toContain(want);
    }
    for (const f of ['404.html', 'search/index.html']) expect(read(f)).toContain('<meta name="robots" content="noindex">');
    expect(read('ip/192.0.2.10/index.html')).toContain('<title>192.0.2.10 — critical threat, score 100/100 · Pillory Test</title>');
  });

  it('writes every export for all, per country and per network, each stating when it last changed and its licence', () => {
    // each list's own time: its newest publication, request or removal, so an unchanged list is the same file tomorrow
    const updated: Record<string, string> = {
      'blocklist/': '2026-12-03T03:00:00.000Z', // two publications and two removals by the newest run
      'blocklist/country/nl/': '2026-12-03T03:00:00.000Z', // 192.0.2.77, first published by it
      'blocklist/country/de/': '2026-12-03T03:00:00.000Z', // the /64, first published by it
      'blocklist/country/fr/': '2026-12-03T03:00:00.000Z', // two removals
      'blocklist/asn/64500/': '2026-12-03T03:00:00.000Z',
      'blocklist/asn/64502/': '2026-12-03T03:00:00.000Z',
      'blocklist/asn/64503/': '2026-12-03T03:00:00.000Z', // empty list (the scanner is in none): the snapshot's time
      'blocklist/asn/64504/': '2026-12-03T03:00:00.000Z',
    };
    expect(Object.keys(updated).sort()).toEqual([...EXPORT_DIRS].sort());
    for (const base of EXPORT_DIRS) {
      for (const f of LINE_EXPORTS) expect(read(base + f), base + f).toContain(`# Updated: ${updated[base]} (when this list last changed; it is checked every night)\n# Licence: CC BY 4.0`);
      expect(JSON.parse(read(`${base}blocklist.json`))).toMatchObject({ updated: updated[base], licence: 'CC BY 4.0' });
      expect(read(`${base}blocklist.csv`).split('\r\n')[0]).toMatch(/,updated,licence$/);
    }
    // the research scanner is published but in no blocklist
    expect(body(read('blocklist/all.txt'))).toEqual(['192.0.2.10', '2001:db8:1:2::/64', '2001:db8::1', '192.0.2.77']);
    expect(body(read('blocklist/asn/64503/all.txt'))).toEqual([]);
    expect(body(read('blocklist/country/de/all.txt'))).toEqual(['2001:db8:1:2::/64']);
    expect(body(read('blocklist/added.txt'))).toEqual(['2001:db8:1:2::/64 # secret-file-probe, admin-probe', '192.0.2.77 # injection-probe, wordpress-enumeration']);
    expect(body(read('blocklist/country/nl/added.txt'))).toEqual(['192.0.2.77 # injection-probe, wordpress-enumeration']);
    expect(body(read('blocklist/removed.txt'))).toEqual([
      "198.51.100.20 # no longer published: on the operator's allowlist",
      '203.0.113.6 # aged out: score 55 fell below 60 on 2026-12-02',
    ]);
    expect(body(read('blocklist/country/fr/removed.txt'))).toEqual(body(read('blocklist/removed.txt')));
    expect(body(read('blocklist/country/fr/all.txt'))).toEqual([]);
    expect(body(read('blocklist/country/nl/removed.txt'))).toEqual([]);
  });

  it('CSV exports parse strictly (RFC 4180, fixed columns) and carry scores and reasons', () => {
    for (const base of EXPORT_DIRS) {
      const rows = parseCsv(read(`${base}blocklist.csv`), { columns: true, strict: true, record_delimiter: '\r\n' } as never) as Record<string, string>[];
      expect(rows.map((r) => r.address), base).toEqual(body(read(`${base}all.txt`)));
      for (const r of rows) expect([r.updated, r.licence]).toEqual(['2026-12-03T03:00:00.000Z', 'CC BY 4.0']);
    }
    const rows = parseCsv(read('blocklist/blocklist.csv'), { columns: true }) as Record<string, string>[];
    // the report's score (100), as on its page; today's 92 is on the home page
    expect(rows[0]).toMatchObject({ address: '192.0.2.10', score: '100', verdict: 'critical', rules: 'secret-files;wordpress-probe;xss-probe;tls-on-http;wordpress-login', report: `${SITE}/ip/192.0.2.10/` });
  });

  it('JSON exports parse and carry scores and reasons per address', () => {
    const doc = JSON.parse(read('blocklist/blocklist.json'));
    expect(doc.count).toBe(4);
    expect(doc.entries[1]).toMatchObject({ address: '2001:db8:1:2::/64', family: 6, score: 75, verdict: 'high', rules: ['secret-file-probe', 'admin-panel-probe'], labels: ['secret-file-probe', 'admin-probe'] });
  });

  it('writes /ip/<slug>.json for each report, parseable and agreeing with the page', () => {
    const doc = JSON.parse(read('ip/2001-db8-1-2---64.json'));
    expect(doc).toMatchObject({ address: '2001:db8:1:2::/64', score: 75, verdict: 'high', report: `${SITE}/ip/2001-db8-1-2---64/`, licence: 'CC BY 4.0' });
    // when the report last changed (first published by the newest run), not the build time: a kept page stays right
    expect(doc.updated).toBe('2026-12-03T03:00:00.000Z');
    expect(doc.signatures.map((s: { rule: string }) => s.rule)).toEqual(['secret-file-probe', 'admin-panel-probe']);
    expect(read('ip/192.0.2.77.json')).not.toMatch(/[<>]/);
    expect(JSON.parse(read('ip/192.0.2.77.json')).signatures[0].evidence[0].path).toBe('/<script>alert(1)</script>');
  });

  it('writes a valid Atom feed (strict XML, RFC 4287) of the newest reports with escaped text and absolute links', () => {
    const feed = read('feed.xml');
    const doc = parseXml(feed);
    expect(atomProblems(doc)).toEqual([]);
    // newest first (ties by address), the research scanner included: the feed is of reports, not of the blocklist
    expect(childrenNamed(doc, 'entry').map((e) => child(e, 'title')!.text)).toEqual([
      '192.0.2.77: high (65)', '2001:db8:1:2::/64: high (75)', '198.51.100.30: high (62)', '2001:db8::1: high (70)', '192.0.2.10: critical (100)',
    ]);
    expect(feed).toContain(`<link rel="alternate" type="text/html" href="${SITE}/ip/2001-db8-1-2---64/"/>`);
    expect(child(doc, 'rights')!.text).toBe('CC BY 4.0');
    expect(child(doc, 'updated')!.text).toBe('2026-12-03T03:05:00.000Z');
  });

  it('writes the IPv6 search shard with the published /64 and address of that /32 only', () => {
    expect(JSON.parse(read('search/v6/20010db8.json'))).toEqual(['2001:db8:1:2::/64', '2001:db8::1']);
    expect(files.filter((f) => f.startsWith('search/v6/'))).toEqual(['search/v6/20010db8.json']);
  });

  it('shows the abuse contact as a ready mailto link (subject, short factual body, the report URL), and says so when there is none', () => {
    const html = read('ip/192.0.2.10/index.html');
    const href = html.match(/href="(mailto:[^"]*)"/)![1]!.replaceAll('&#38;', '&').replaceAll('&amp;', '&');
    const url = new URL(href);
    expect(url.pathname).toBe(FIXTURE.abuse.email);
    expect(url.searchParams.get('subject')).toBe('Abuse report: 192.0.2.10 (critical, score 100/100)');
    expect(url.searchParams.get('body')).toBe([
      'Hello,', '',
      '192.0.2.10 (AS64500) sent 7 requests to our web server between 2026-11-20 04:55:11 UTC and 2026-11-20 05:01:11 UTC: ' +
        'Secret and backup file probing, WordPress enumeration, Injection probing, Non-HTTP probe. Score 100/100 (critical).',
      '', `Report with every request as evidence: ${SITE}/ip/192.0.2.10/`, '', 'Please investigate this host.', '', '— Pillory Test',
    ].join('\r\n'));
    // the link carries no log text (the fixture's request lines hold script payloads and the operator's host)
    expect(decodeURIComponent(href)).not.toMatch(/wp-login|<|operator\.example|SECRET/);
    expect(read('ip/192.0.2.77/index.html')).toContain('not on record: the registry (RDAP) was not asked yet');
    for (const f of htmlFiles()) {
      const want = f === 'ip/192.0.2.10/index.html' || f === 'asn/64500/index.html' ? 2 : 0;
      expect(read(f).match(/href="mailto:[^"]*"/g) ?? [], f).toHaveLength(want);
    }
  });

  it('shows the network\'s abuse desk on its ASN page with a "report these addresses" e-mail', () => {
    const html = plain(read('asn/64500/index.html'));
    const href = html.match(/href="(mailto:[^"]*)"/)![1]!.replaceAll('&#38;', '&').replaceAll('&amp;', '&');
    const url = new URL(href);
    expect(url.pathname).toBe(FIXTURE.abuse.email);
    expect(url.searchParams.get('subject')).toBe('Abuse report: 1 address in AS64500');
    expect(url.searchParams.get('body')).toContain(`  192.0.2.10  score 100/100 (critical), last seen 2026-11-20 05:01:11 UTC  ${SITE}/ip/192.0.2.10/`);
    // 192.0.2.77's contact is not a plain address: it is left out, never linked
    expect(url.searchParams.get('body')).not.toContain('192.0.2.77');
    expect(html).toContain('(from the registry\'s RDAP record; 1 published address)');
    expect(plain(read('asn/64502/index.html'))).toContain('No abuse contact found for this network\'s published addresses.');
  });

  it('adds DNSBL corroboration as its own row so the table still adds up to the score', () => {
    const html = plain(read(`ip/${FIXTURE.net6.slug}/index.html`));
    expect(html).toContain(`<td colspan="3">Corroboration: listed for abuse by zen.example.org (exploited host or proxy) (<a href="#dnsbl">results below</a>, <a href="/methodology/#dnsbl">how listings count</a>; corroboration never publishes an address on its own)</td><td class="num">+${FIXTURE.net6.dnsblAdded}</td>`);
    expect(html).toContain(`<tr class="sum"><th scope="row" colspan="3">Σ score at the last offending request (2026-11-20)</th><th class="num">${FIXTURE.net6.score}</th></tr>`);
    expect(JSON.parse(read(`ip/${FIXTURE.net6.slug}.json`)).dnsbl_points).toBe(FIXTURE.net6.dnsblAdded);
    expect(plain(read(`ip/${FIXTURE.corpus.slug}/index.html`))).not.toContain('Corroboration:');
  });

  it('dnsbl-02/03/05 on the page: an address whose lookups all failed is "not checked", a dropped or retired zone is not shown', () => {
    const corpus = plain(read('ip/192.0.2.77/index.html'));
    expect(corpus).toContain('<p>Not checked: no blocklist answered (2 could not be checked). This is not a clean result.</p>');
    expect(corpus).toContain('<td class="dnsbl-error">not checked</td> <td>zone unavailable this run: test point 127.0.0.1 is listed</td>');
    expect(corpus).not.toContain('not listed');
    const v4 = plain(read('ip/192.0.2.10/index.html'));
    expect(v4).toContain('<p>Listed by 2 of the 3 lists that answered (1 for abuse, 1 as policy or range listings); 1 could not be checked; 1 does not cover this address family.</p>');
    expect(v4).not.toContain('sorbs');
    expect(v4).toContain('<td class="dnsbl-skipped">not applicable</td>');
  });

  it('names each geo database with its build date and the notice its licence needs, on every page', () => {
    for (const f of htmlFiles()) {
      expect(plain(read(f)), f).toContain('<p class="attribution"><a href="https://db-ip.com" rel="noopener">IP Geolocation by DB-IP</a> (CC BY 4.0) <span class="muted">— DB-IP Lite City 2026-06, built 2026-06-01</span></p>');
      expect(plain(read(f)), f).toContain('<a href="https://github.com/sapics/ip-location-db" rel="noopener">ASN data by RouteViews, NRO and DB-IP, compiled by ip-location-db</a> (CC BY 4.0) <span class="muted">— ip-location-db ASN, built 2026-06-17</span>');
    }
  });

  it('the methodology page says how DNSBL listings count', () => {
    const html = plain(read('methodology/index.html'));
    expect(html).toContain('<h2 id="dnsbl">DNS blocklists</h2>');
    expect(html).toContain('Each list that lists the address for abuse adds 5 points, at most 10 in all');
    expect(html).toContain('policy lists such as Spamhaus PBL');
  });

  it('generates the methodology page from the rules in data/rules', () => {
    const html = read('methodology/index.html');
    for (const id of ['secret-file-probe', 'protocol-probe', 'log4shell']) expect(html).toContain(`id="rule-${id}"`);
    expect(html).toMatch(/<td>critical<\/td><td class="num">80–100<\/td>/);
  });

  it('says on the methodology page how much was read, by skip reason', () => {
    const html = plain(read('methodology/index.html'));
    expect(html).toContain('2 nightly runs from 2026-12-02 to 2026-12-03 read 220 log lines of this site&#39;s access logs, each line once: 218 lines became requests scored here and 2 lines were set aside, each for one reason.');
    expect(html).toContain('<tr><td class="mono">malformed</td><td class="num">2</td><td>not in the log layout this site reads</td></tr>');
  });

  it('index pages carry totals, a chart and their exports', () => {
    const country = plain(read('country/index.html'));
    expect(country).toContain('<li><strong>2</strong> countries</li>');
    expect(country).toContain('<li><strong>2</strong> with no known country</li>');
    expect(country).toContain('<title id="groups-t">Published reports per country: Netherlands (NL): 2, Germany (DE): 1</title>');
    expect(country).toContain('<a href="/country/nl/#exports">every format</a>');
    const nl = plain(read('country/nl/index.html'));
    expect(nl).toContain('<li><strong>2</strong> published addresses</li>');
    // the chart ends at the group's newest report, so the page changes only when its addresses do
    expect(nl).toContain('New reports per day, 30 days to 2026-12-03');
    expect(nl).toContain('<a class="mono" href="/blocklist/country/nl/nftables.nft">nftables.nft</a>');
    expect([...nl.matchAll(/<th scope="row" class="mono addr"><a href="\/ip\/([^/]+)\/">/g)].map((m) => m[1])).toEqual(['192.0.2.10', '192.0.2.77']);
  });

  it('removal and about pages give the review contact from the snapshot', () => {
    expect(read('removal/index.html')).toContain('write to <span class="mono">review@reports.example.net</span>');
    expect(read('removal/index.html')).toContain('The page itself stays 30 more days, marked expired');
    expect(read('about/index.html')).toContain('Contact: <span class="mono">review@reports.example.net</span>');
  });

  it('has the DB-IP attribution on every HTML page', () => {
    for (const f of htmlFiles()) expect(read(f), f).toContain('IP Geolocation by DB-IP');
  });

  it('public/_headers carries the same CSP as the meta tag', () => {
    expect(read('_headers')).toContain(`Content-Security-Policy: ${CONTENT_SECURITY_POLICY};`);
  });

  it('keeps the generation time off report pages (deterministic output)', () => {
    expect(read('index.html')).toContain('generated 2026-12-03 03:05:00 UTC');
    expect(read('ip/192.0.2.10/index.html')).not.toContain('03:05:00');
  });

  it('says "Not checked" for DNSBL when the actor has no rows, never "clean"', () => {
    expect(read('ip/2001-db8--1/index.html')).toContain('<p>Not checked: no blocklist was queried for this address.</p>');
    expect(read('ip/192.0.2.10/index.html')).not.toMatch(/\bclean\b(?! result)/);
  });
});

// The built files themselves, fed to the tools they are written for. A tool that is not installed
// skips its test with the reason; .ci/run installs them all.
describe('built exports accepted by their tools', () => {
  const scratch = scratchDir();
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const file = (rel: string) => path.join(out, rel);
  const blocks = (base: string, fam: 4 | 6) => body(read(`${base}cidr-ipv${fam}.txt`));

  it.for(EXPORT_DIRS)('%snftables.nft loads with nft -f in a throwaway namespace and holds exactly the CIDR blocks', (base, ctx) => {
    const why = missing('nft');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const table = read(`${base}nftables.nft`).match(/^table inet (\w+) \{$/m)![1]!;
      // -c first (what the file promises to pass), then load it twice (re-running must replace, not fail)
      const r = ns.sh(`nft -c -f ${q(file(`${base}nftables.nft`))} && nft -f ${q(file(`${base}nftables.nft`))} && nft -f ${q(file(`${base}nftables.nft`))} && nft -j list table inet ${table}`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const items = JSON.parse(r.stdout).nftables as Record<string, { name?: string; elem?: unknown[] }>[];
      const elems = (name: string) => (items.find((i) => i.set?.name === name)?.set?.elem ?? []).map(nftElem);
      expect(elems('blocked_v4')).toEqual(blocks(base, 4));
      expect(elems('blocked_v6')).toEqual(blocks(base, 6));
      expect(items.filter((i) => i.rule).length).toBe(2);
    } finally {
      ns.close();
    }
  });

  it.for(EXPORT_DIRS)('%sipset.restore restores with ipset in a throwaway namespace and holds exactly the CIDR blocks', (base, ctx) => {
    const why = missing('ipset');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const r = ns.sh(`ipset restore < ${q(file(`${base}ipset.restore`))} && ipset restore < ${q(file(`${base}ipset.restore`))} && ipset save`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const members = (set: string) => r.stdout.split('\n').filter((l) => l.startsWith(`add ${set} `)).map((l) => l.split(' ')[2]!.replace(/\/(32|128)$/, '')).sort();
      const id = read(`${base}ipset.restore`).match(/^create (\S+)-v4 /m)![1]!;
      expect(members(`${id}-v4`)).toEqual([...blocks(base, 4)].sort());
      expect(members(`${id}-v6`)).toEqual([...blocks(base, 6)].sort());
    } finally {
      ns.close();
    }
  });

  it.for(EXPORT_DIRS)('%siptables.sh passes sh -n and bash -n, and runs (twice) in a throwaway namespace', (base, ctx) => {
    for (const r of shellSyntax(file(`${base}iptables.sh`))) expect(r.stderr).toBe('');
    const why = missing('iptables', 'ip6tables');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const chain = read(`${base}iptables.sh`).match(/^iptables -N (\S+) /m)![1]!;
      const r = ns.sh(`sh ${q(file(`${base}iptables.sh`))} && sh ${q(file(`${base}iptables.sh`))} && iptables -S ${chain} && ip6tables -S ${chain} && iptables -S INPUT`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const drops = r.stdout.split('\n').filter((l) => l.startsWith(`-A ${chain} -s `)).map((l) => l.split(' ')[3]!.replace(/\/(32|128)$/, ''));
      expect(drops).toEqual([...blocks(base, 4), ...blocks(base, 6)]);
      expect(r.stdout.split('\n').filter((l) => l === `-A INPUT -j ${chain}`)).toHaveLength(1);
    } finally {
      ns.close();
    }
  });

  it.for(EXPORT_DIRS)('nginx -t accepts a server block that includes %snginx-deny.conf', (base, ctx) => {
    const why = missing('nginx');
    if (why) return ctx.skip(why);
    const r = nginxTest(scratch, { file: file(`${base}nginx-deny.conf`) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(body(read(`${base}nginx-deny.conf`))).toEqual([...blocks(base, 4), ...blocks(base, 6)].map((b) => `deny ${b};`));
  });

  it.each(EXPORT_DIRS)('%s plain and CIDR lists hold one valid address or block per line, CIDR lists merged', (base) => {
    for (const f of ['all.txt', 'ipv4.txt', 'ipv6.txt', 'cidr-ipv4.txt', 'cidr-ipv6.txt']) {
      for (const l of body(read(base + f))) expect(isIP(l.split('/')[0]!), `${base}${f}: ${l}`).not.toBe(0);
    }
    expect(blocks(base, 4)).toEqual(aggregateCidrs(body(read(`${base}ipv4.txt`)), 4));
    expect(blocks(base, 6)).toEqual(aggregateCidrs(body(read(`${base}ipv6.txt`)), 6));
  });
});

// The report page's own snippets, exactly as a reader would paste them.
describe('the block snippets on report pages', () => {
  const scratch = scratchDir();
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const snippet = (f: string, tool: string) => unescapeHtml(read(f).match(new RegExp(`<h4>${tool} <span class="muted">[^<]*</span></h4><pre><code>([\\s\\S]*?)</code></pre>`))![1]!);

  it.for([['ip/192.0.2.10/index.html', '192.0.2.10', 4], ['ip/2001-db8-1-2---64/index.html', '2001:db8:1:2::/64', 6]] as const)('%s: the nftables and ipset lines run as pasted and block %s', ([f, key, fam], ctx) => {
    const why = missing('nft', 'ipset', 'iptables', 'ip6tables');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const probe = fam === 4 ? key : '2001:db8:1:2::99';
      const r = ns.sh(`set -e\n${snippet(f, 'nftables')}\n${snippet(f, 'ipset')}\n${snippet(f, 'ipset')}\nnft list set inet pillory blocked_v${fam}\nipset test pillory-v${fam} ${probe}\n${fam === 6 ? 'ip6tables' : 'iptables'} -S INPUT`);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`elements = { ${key} }`);
      expect(r.stdout.split('\n').filter((l) => l === `-A INPUT -m set --match-set pillory-v${fam} src -j DROP`)).toHaveLength(1);
    } finally {
      ns.close();
    }
  });

  it.for(['ip/192.0.2.10/index.html', 'ip/2001-db8-1-2---64/index.html'])('%s: nginx -t accepts the deny line', (f, ctx) => {
    const why = missing('nginx');
    if (why) return ctx.skip(why);
    const r = nginxTest(scratch, { lines: snippet(f, 'nginx') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** nft -j writes a single address as a string and a block as { prefix: { addr, len } }. */
function nftElem(e: unknown): string {
  if (typeof e === 'string') return e;
  const p = (e as { prefix?: { addr: string; len: number } }).prefix;
  return p ? `${p.addr}/${p.len}` : JSON.stringify(e);
}
