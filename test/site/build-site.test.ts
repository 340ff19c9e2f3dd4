// The one slow test: builds the fixture snapshot into a real site and checks the files.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/site/build-site.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/site/security.ts';
import { FIXTURE, makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';

const SITE = 'https://reports.example.net';
let dir: string;
let out: string;
let pages: number;
let files: string[];

const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
// scoped-style attributes are noise for these assertions
const plain = (html: string) => html.replace(/ data-astro-cid-[a-z0-9]+/g, '');
const htmlFiles = () => files.filter((f) => f.endsWith('.html'));
const textFiles = () => files.filter((f) => /\.(html|xml|txt|css|js|json)$/.test(f) || f.endsWith('_headers'));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-site-'));
  out = path.join(dir, 'dist');
  makeFixtureSnapshot(path.join(dir, 'snapshot.sqlite'));
  ({ pages } = await buildSite({ snapshot: path.join(dir, 'snapshot.sqlite'), outDir: out, siteUrl: SITE }));
  files = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('buildSite on the fixture snapshot', () => {
  it('writes one page per published or expired actor plus the index pages, and counts them', () => {
    expect(htmlFiles().sort()).toEqual([
      '404.html', 'about/index.html', 'asn/64500/index.html', 'asn/64502/index.html', 'asn/index.html', 'blocklist/index.html',
      'country/de/index.html', 'country/index.html', 'country/nl/index.html', 'index.html', 'ip/192.0.2.10/index.html',
      'ip/192.0.2.77/index.html', 'ip/198.51.100.20/index.html', 'ip/2001-db8--1/index.html', 'ip/2001-db8-1-2---64/index.html',
      'methodology/index.html', 'removal/index.html', 'search/index.html',
    ]);
    expect(pages).toBe(18);
  });

  it('shows the score and a Σ row equal to it (decay and corroboration shown as their own rows)', () => {
    const html = plain(read('ip/192.0.2.10/index.html'));
    expect(html).toContain(`<span class="score">${FIXTURE.v4.score}</span> critical`);
    // 30 + 40 + 20 + 10 = 100 (the 10-point WordPress login row is the same family, counted once)
    const table = html.slice(html.indexOf('<h2 id="signatures">'), html.indexOf('</tbody>', html.indexOf('<h2 id="signatures">')));
    const points = table.split('<tr>').slice(2).map((row) => Number([...row.matchAll(/<td class="num">([-+]?\d+)<\/td>/g)].at(-1)![1]));
    expect(points).toEqual([40, 30, 20, 0, 10, FIXTURE.v4Parts.evidence - FIXTURE.v4.rawScore, FIXTURE.v4Parts.corroboration]);
    expect(points.reduce((a, b) => a + b, 0)).toBe(FIXTURE.v4.score);
    expect(html).toContain(`Corroboration: ${FIXTURE.v4Parts.reason}`);
    expect(html).toContain(`<tr class="sum"><th colspan="4">Σ score</th><th class="num">${FIXTURE.v4.score}</th></tr>`);
    expect(plain(read('ip/2001-db8--1/index.html'))).toContain(`<th class="num">${FIXTURE.v6.score}</th></tr></tfoot>`);
  });

  it('an IPv6 /64 report lists the addresses seen inside it', () => {
    const text = plain(read(`ip/${FIXTURE.net6.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain(`Addresses seen${FIXTURE.net6.ips.join(', ')}`);
  });

  it('an aged-out report: noindex, "no activity since", removal date, out of the sitemap and the feed', () => {
    const html = read(`ip/${FIXTURE.expired.slug}/index.html`);
    const text = plain(html).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(text).toContain('No activity since 2026-11-01. The score fell below the publication threshold of 60 on 2026-11-28: this address is no longer in the blocklists, and this page will be removed on 2026-12-28 unless it offends again.');
    expect(text).toContain('This address is not in the blocklists any more: it aged out.');
    expect(read('sitemap-0.xml')).not.toContain(`/ip/${FIXTURE.expired.slug}/`);
    expect(read('feed.xml')).not.toContain(FIXTURE.expired.key);
    expect(read('index.html')).not.toContain(FIXTURE.expired.key);
    expect(JSON.parse(read(`ip/${FIXTURE.expired.slug}.json`))).toMatchObject({ status: 'expired', score: FIXTURE.expired.score, in_blocklists: false, expired_at: '2026-11-28T00:00:00.000Z' });
  });

  it('a research scanner is labelled on its page and said to be out of the blocklists', () => {
    const text = plain(read(`ip/${FIXTURE.v6.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain(`Research scanner: ${FIXTURE.scannerName}, identified by its published address ranges or its reverse DNS name. Shown for transparency; it is not in the blocklists.`);
    expect(text).toContain('This address is not in the blocklists: it is a research scanner.');
  });

  it('a shared address (mobile carrier) gets the softer advice and no range block', () => {
    const text = plain(read(`ip/${FIXTURE.net6.slug}/index.html`)).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain('Shared address: mobile carrier network');
    expect(text).toContain('If you still block this network, for a limited time:');
    expect(text).not.toMatch(/blocking the whole/);
  });

  it('site-01: IPv6 page at the dash slug, no ":" or "%" in any output path', () => {
    expect(existsSync(path.join(out, 'ip/2001-db8--1/index.html'))).toBe(true);
    expect(files.filter((f) => /[:%]/.test(f))).toEqual([]);
    expect(read('sitemap-0.xml')).toContain(`<loc>${SITE}/ip/2001-db8--1/</loc>`);
    expect(read('ip/2001-db8--1/index.html')).toContain(`<link rel="canonical" href="${SITE}/ip/2001-db8--1/">`);
  });

  it('gives the unpublished actor no page and no mention', () => {
    expect(files.some((f) => f.includes(FIXTURE.hidden.slug))).toBe(false);
    for (const f of textFiles()) expect(read(f), f).not.toContain('hidden-unpublished-path');
  });

  it('writes robots.txt pointing at the sitemap index', () => {
    expect(read('robots.txt')).toContain(`Sitemap: ${SITE}/sitemap-index.xml`);
    expect(read('sitemap-index.xml')).toContain(`${SITE}/sitemap-0.xml`);
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

  it('publishes no secret, no operator host name, no planted e-mail and no raw junk bytes in any file of dist/', () => {
    // every file, whatever its type: a secret in a .png or a sitemap is as public as one in a page
    for (const f of files) {
      const text = readFileSync(path.join(out, f)).toString('latin1');
      expect(text, f).not.toContain(FIXTURE.secret);
      expect(text.toLowerCase(), f).not.toContain(FIXTURE.operatorHost);
      expect(text, f).not.toContain(FIXTURE.secretEmail);
      expect(text, f).not.toContain('\\x16\\x03\\x01\\x00\\xa5');
    }
    expect(read('ip/192.0.2.10/index.html')).toContain('[tls-handshake]');
  });

  it.each([
    'index.html', 'ip/192.0.2.10/index.html', 'ip/192.0.2.77/index.html', 'ip/2001-db8-1-2---64/index.html', 'country/nl/index.html',
    'asn/64500/index.html', '404.html', 'about/index.html', 'methodology/index.html', 'blocklist/index.html', 'removal/index.html', 'search/index.html',
  ])('%s carries the CSP, no inline script, the DB-IP attribution, and stays small', (f) => {
    const html = read(f);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    // the only script without src is JSON-LD data, which the browser never runs
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/ld\+json")[^>]*>/);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).toMatch(/<a href="https:\/\/db-ip\.com"[^>]*>IP Geolocation by DB-IP<\/a>/);
    // report pages (the 100k of them) stay under 30 KB; the one methodology page lists every rule
    expect(Buffer.byteLength(html)).toBeLessThan(f.startsWith('methodology') ? 80_000 : 30_000);
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

  it('gives every indexable page a canonical URL with a trailing slash, a title, a description and Open Graph tags', () => {
    const noindex = ['404.html', 'search/index.html', `ip/${FIXTURE.expired.slug}/index.html`];
    for (const f of htmlFiles().filter((f) => !noindex.includes(f))) {
      const html = read(f);
      const want = `${SITE}/${f.replace(/index\.html$/, '')}`;
      expect(html, f).toContain(`<link rel="canonical" href="${want}">`);
      expect(html, f).toContain(`<meta property="og:url" content="${want}">`);
      expect(html, f).toMatch(/<meta name="description" content="[^"]{40,}">/);
      expect(read('sitemap-0.xml'), f).toContain(`<loc>${want}</loc>`);
    }
    for (const f of noindex) {
      expect(read(f)).toContain('<meta name="robots" content="noindex">');
      expect(read('sitemap-0.xml')).not.toContain(f.replace('index.html', ''));
    }
  });

  it('writes every export for all, per country and per network, each stating generation time and licence', () => {
    for (const base of ['blocklist/', 'blocklist/country/nl/', 'blocklist/country/de/', 'blocklist/asn/64500/', 'blocklist/asn/64502/']) {
      for (const f of ['all.txt', 'ipv4.txt', 'ipv6.txt', 'cidr-ipv4.txt', 'cidr-ipv6.txt', 'nginx-deny.conf', 'ipset.restore', 'nftables.nft', 'iptables.sh', 'added.txt', 'removed.txt']) {
        expect(read(base + f), base + f).toContain('# Generated: 2026-12-03T03:05:00.000Z\n# Licence: CC BY 4.0');
      }
      expect(JSON.parse(read(`${base}blocklist.json`))).toMatchObject({ generated: '2026-12-03T03:05:00.000Z', licence: 'CC BY 4.0' });
      expect(read(`${base}blocklist.csv`).split('\r\n')[0]).toMatch(/,generated,licence$/);
    }
    // the research scanner (2001:db8::1) and the expired actor are in no blocklist
    expect(read('blocklist/all.txt').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['192.0.2.10', '2001:db8:1:2::/64', '192.0.2.77']);
    for (const f of files.filter((f) => f.startsWith('blocklist/') && !f.endsWith('removed.txt') && !f.endsWith('.html'))) {
      expect(read(f), f).not.toContain(FIXTURE.expired.key);
      expect(read(f), f).not.toMatch(/(^|[^:\w])2001:db8::1([^\w:]|$)/m);
    }
    expect(read('blocklist/country/de/all.txt')).toContain('\n2001:db8:1:2::/64\n');
    expect(read('blocklist/country/de/all.txt')).not.toContain('192.0.2.10');
    expect(read('blocklist/added.txt')).toContain('192.0.2.77 # injection-probe, wordpress-enumeration\n');
    expect(read('blocklist/removed.txt')).toContain(`${FIXTURE.expired.key} # aged out: score below 60 since 2026-11-28; no activity since 2026-11-01\n`);
  });

  it('writes /ip/<slug>.json for each report, parseable and agreeing with the page', () => {
    const doc = JSON.parse(read('ip/2001-db8-1-2---64.json'));
    expect(doc).toMatchObject({ address: '2001:db8:1:2::/64', score: 75, verdict: 'high', report: `${SITE}/ip/2001-db8-1-2---64/` });
    expect(doc.signatures.map((s: { rule: string }) => s.rule)).toEqual(['secret-file-probe', 'admin-panel-probe']);
    expect(read('ip/192.0.2.77.json')).not.toMatch(/[<>]/);
    expect(JSON.parse(read('ip/192.0.2.77.json')).signatures[0].evidence[0].path).toBe('/<script>alert(1)</script>');
  });

  it('writes an Atom feed of the newest reports with escaped text and absolute links', () => {
    const feed = read('feed.xml');
    expect(feed).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(feed).toContain(`<link rel="alternate" type="text/html" href="${SITE}/ip/2001-db8-1-2---64/"/>`);
    expect(feed.match(/<entry>/g)).toHaveLength(4);
    expect(feed).toContain('<rights>CC BY 4.0</rights>');
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
    expect(url.searchParams.get('subject')).toBe('Abuse report: 192.0.2.10 (critical, score 92/100)');
    expect(url.searchParams.get('body')).toBe([
      'Hello,', '',
      '192.0.2.10 (AS64500) sent 7 requests to our web server between 2026-11-20 04:55:11 UTC and 2026-11-20 05:01:11 UTC: ' +
        'Secret file theft, CMS scanning, Injection attempts, Port scanning. Score 92/100 (critical).',
      '', `Report with every request as evidence: ${SITE}/ip/192.0.2.10/`, '', 'Please investigate this host.', '', '— Pillory Test',
    ].join('\r\n'));
    // the link carries no log text (the fixture's request lines hold script payloads and the operator's host)
    expect(decodeURIComponent(href)).not.toMatch(/wp-login|<|operator\.example|SECRET/);
    expect(read('ip/192.0.2.77/index.html')).toContain('no abuse contact found');
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
    expect(url.searchParams.get('body')).toContain(`  192.0.2.10  score 92/100 (critical), last seen 2026-11-20 05:01:11 UTC  ${SITE}/ip/192.0.2.10/`);
    // 192.0.2.77's contact is not a plain address: it is left out, never linked
    expect(url.searchParams.get('body')).not.toContain('192.0.2.77');
    expect(html).toContain('(from the registry\'s RDAP record; 1 published address)');
    expect(plain(read('asn/64502/index.html'))).toContain('No abuse contact found for this network\'s published addresses.');
  });

  it('adds DNSBL corroboration as its own row so the table still adds up to the score', () => {
    const html = plain(read(`ip/${FIXTURE.net6.slug}/index.html`));
    expect(html).toContain(`<td colspan="4">Corroboration: listed for abuse by zen.example.org (exploited host or proxy) (<a href="#dnsbl">results below</a>, <a href="/methodology/#dnsbl">how listings count</a>; corroboration never publishes an address on its own)</td><td class="num">+${FIXTURE.net6.dnsblAdded}</td>`);
    expect(html).toContain(`<tr class="sum"><th colspan="4">Σ score</th><th class="num">${FIXTURE.net6.score}</th></tr>`);
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
    expect(html).toContain('1 nightly run from 2026-12-03 to 2026-12-03 read 120 log lines of this site&#39;s access logs, each line once: 118 lines became requests scored here and 2 lines were set aside, each for one reason.');
    expect(html).toContain('<tr><td class="mono">malformed</td><td class="num">2</td><td>not in the log layout this site reads</td></tr>');
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
