// End to end: builds the fixture site, serves it like a static host, and drives Debian's Chromium
// through playwright-core: a report page, a country page, the search box and the XSS corpus
// (cases site-01, site-02, site-03). Skips with a message when /usr/bin/chromium is absent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/site/build-site.ts';
import { FIXTURE, XSS_CORPUS, makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';
import { chromiumMissing, launchChromium } from './browser.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const missing = chromiumMissing();
if (missing) console.warn(`test/e2e skipped: ${missing}`);

describe.skipIf(missing !== null)('the built site in Chromium', () => {
  let dir: string;
  let server: StaticServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  const dialogs: string[] = [];
  const cspErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pillory-e2e-'));
    makeFixtureSnapshot(path.join(dir, 'snapshot.sqlite'));
    await buildSite({ snapshot: path.join(dir, 'snapshot.sqlite'), outDir: path.join(dir, 'dist'), siteUrl: 'https://reports.example.net' });
    server = await serveStatic(path.join(dir, 'dist'));
    browser = await launchChromium();
    browser.context.on('page', (p) => watch(p));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function watch(p: Page): void {
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  }

  async function open(url: string, width = 1280): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(server.url + url);
    return page;
  }

  /** Elements or attributes that only an injection could have created. */
  const injected = (page: Page) => page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}`);
        if (/^\s*javascript:/i.test(a.value)) bad.push(`${el.tagName} ${a.name}=${a.value}`);
      }
    }
    for (const el of Array.from(document.querySelectorAll('img, iframe, object, embed, body script:not([src])'))) bad.push(el.tagName);
    bad.push(...Array.from(document.querySelectorAll('head script:not([src]):not([type="application/ld+json"])'), () => 'inline head script'));
    return bad;
  });

  it('renders a report page: header, Σ equal to the score, evidence as text', async () => {
    const page = await open(`/ip/${FIXTURE.v4.slug}/`);
    expect(await page.title()).toBe('192.0.2.10 — critical threat, score 100/100 · Pillory Test');
    expect(await page.locator('h1').innerText()).toBe('192.0.2.10');
    expect(await page.locator('tr.sum th.num').innerText()).toBe(String(FIXTURE.v4.rawScore));
    expect(await page.locator('.badge .score').first().innerText()).toBe(String(FIXTURE.v4.rawScore));
    // today's score, worked out in the browser (score-now.js) from the numbers on the page
    const now = page.locator('output.score-now');
    await expect(now.isVisible()).resolves.toBe(true);
    expect(await now.innerText()).toMatch(/^Today \(\d{4}-\d\d-\d\d\): \d{1,3}\/100, (critical|high|elevated|low|none)[.;]/);
    await expect(page.getByText(FIXTURE.xssPath, { exact: true }).count()).resolves.toBeGreaterThan(0);
    expect(await injected(page)).toEqual([]);
    await page.close();
  });

  it('renders a country page with its addresses and exports', async () => {
    const page = await open('/country/nl/');
    expect(await page.locator('h1').innerText()).toBe('Netherlands (NL)');
    const rows = await page.locator('table tbody th[scope=row]').allInnerTexts();
    expect(rows).toEqual([FIXTURE.v4.key, FIXTURE.corpus.key]);
    expect(await page.locator('a[href="/blocklist/country/nl/nftables.nft"]').count()).toBe(1);
    await page.close();
  });

  it.each([
    ['192.0.2.10', `/ip/${FIXTURE.v4.slug}/`, '192.0.2.10'],
    ['  ::ffff:192.0.2.10 ', `/ip/${FIXTURE.v4.slug}/`, '192.0.2.10'],
    ['2001:DB8:1:2:0:0:0:5', `/ip/${FIXTURE.net6.slug}/`, '2001:db8:1:2::/64'],
    ['[2001:0db8::0001]:443', `/ip/${FIXTURE.v6.slug}/`, '2001:db8::1'],
  ])('search box: %j goes to %s', async (input, want, h1) => {
    const page = await open('/about/');
    await page.locator('#q-top').fill(input);
    await Promise.all([page.waitForURL(`**${want}`), page.locator('#q-top').press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(want);
    expect(await page.locator('h1').innerText()).toBe(h1);
    await page.close();
  });

  it.each([
    ['203.0.113.99', '203.0.113.99'],
    ['2001:DB8:9:0::0:1', '2001:db8:9::1'],
  ])('search box: unknown %s gets the "no record" answer naming %s', async (input, shown) => {
    const page = await open('/');
    await page.locator('#q-top').fill(input);
    await Promise.all([page.waitForURL('**/ip/**'), page.locator('#q-top').press('Enter')]);
    await page.waitForLoadState('load');
    expect(await page.locator('#ip-note').isVisible()).toBe(true);
    expect(await page.locator('#ip-note strong').innerText()).toBe(`No record for ${shown}.`);
    expect(await page.locator('#page-note').isVisible()).toBe(false);
    await page.close();
  });

  it.each([
    ['/ip/%3Cimg%20src=x%20onerror=alert(11)%3E/', 'No record for this address.'],
    ['/ip/Call-us-now-your-site-is-hacked/', 'No record for this address.'],
    ['/ip/<script>alert(12)<%2Fscript>/', 'No record for this address.'],
  ])('a crafted /ip/ path (%s) gets the 404 page without its text or markup', async (url, want) => {
    const page = await open(url);
    await page.waitForLoadState('load');
    expect(await page.locator('#ip-note strong').innerText()).toBe(want);
    expect(await injected(page)).toEqual([]);
    await page.close();
  });

  it('a page that is not a report gets the plain "no page here" note', async () => {
    const page = await open('/no/such/page/');
    await page.waitForLoadState('load');
    expect(await page.locator('#page-note').isVisible()).toBe(true);
    expect(await page.locator('#ip-note').isVisible()).toBe(false);
    await page.close();
  });

  it('search box: a non-address is answered in place, as text', async () => {
    const page = await open('/');
    await page.locator('#q-top').fill('<img src=x onerror=alert(9)>');
    await page.locator('#q-top').press('Enter');
    await expect.poll(() => page.locator('form.search output').first().innerText()).toContain('is not an IPv4 or IPv6 address');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await injected(page)).toEqual([]);
    await page.close();
  });

  it('/search/?q= works for a form submitted before the script ran', async () => {
    const page = await browser.context.newPage();
    await Promise.all([page.waitForURL(`**/ip/${FIXTURE.v6.slug}/`), page.goto(`${server.url}/search/?q=2001%3Adb8%3A%3A1`)]);
    expect(await page.locator('h1').innerText()).toBe('2001:db8::1');
    await page.close();
  });

  it('site-02: the XSS corpus in paths, query keys, referers and user agents shows as text, with no dialog and no injected element', async () => {
    const page = await open(`/ip/${FIXTURE.corpus.slug}/`);
    await page.waitForTimeout(300);
    expect(await injected(page)).toEqual([]);
    const text = await page.locator('main').innerText();
    for (const x of XSS_CORPUS) expect(text, x).toContain(x);
    await page.close();
  });

  it('works without JavaScript: a report page shows every section, the abuse e-mail opens, links work', async () => {
    const nojs = await launchChromium({ width: 1280, height: 900 }, { javaScriptEnabled: false });
    try {
      const page = await nojs.context.newPage();
      await page.goto(`${server.url}/ip/${FIXTURE.v4.slug}/`);
      expect(await page.locator('main h2').allInnerTexts()).toEqual([
        '01 Geolocation and classification', '02 Signatures', '03 Observed activity', '04 Timeline', '05 Network provider',
        '06 Recommendations', 'DNS blocklists', 'Nearby published addresses', 'Analysis',
      ]);
      await page.locator('summary', { hasText: 'Ready-to-send abuse report' }).click();
      await expect.poll(() => page.locator('details pre').first().isVisible()).toBe(true);
      await Promise.all([page.waitForURL('**/country/nl/'), page.locator('main a[href="/country/nl/"]').first().click()]);
      expect(await page.locator('h1').innerText()).toBe('Netherlands (NL)');
      await page.close();
    } finally {
      await nojs.close();
    }
  });

  it('is keyboard friendly: the first Tab reaches "Skip to content", which moves focus past the header', async () => {
    const page = await open(`/ip/${FIXTURE.v4.slug}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('main')))).toBe(true);
    // the search box has a label and its answers are announced
    expect(await page.locator('label[for="q-top"]').innerText()).toBe('Check an address');
    expect(await page.locator('form.search output').first().getAttribute('aria-live')).toBe('polite');
    await page.close();
  });

  it('follows the light or dark colour scheme of the reader', async () => {
    const colours: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.url}/`);
      colours.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      await page.close();
    }
    expect(colours).toEqual(['rgb(253, 253, 252)', 'rgb(20, 22, 26)']);
  });

  it('is readable at 360 px: no sideways scrolling of the page, and every table fits (only code blocks may scroll)', async () => {
    for (const url of ['/', `/ip/${FIXTURE.v4.slug}/`, `/ip/${FIXTURE.net6.slug}/`, `/ip/${FIXTURE.corpus.slug}/`, '/country/', '/country/nl/', '/asn/64502/', '/methodology/', '/blocklist/']) {
      const page = await open(url, 360);
      const { width, wide } = await page.evaluate(() => ({
        width: document.documentElement.scrollWidth,
        wide: Array.from(document.querySelectorAll('table, dl, p, li, h1, h2, h3'))
          .filter((e) => !e.closest('pre') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          .map((e) => `${e.tagName} ${(e.textContent ?? '').slice(0, 40)}`),
      }));
      expect(width, url).toBeLessThanOrEqual(360);
      expect(wide, url).toEqual([]);
      await page.close();
    }
  });

  it('saw no dialog and no CSP violation on any page', () => {
    expect(dialogs).toEqual([]);
    expect(cspErrors).toEqual([]);
  });
});
