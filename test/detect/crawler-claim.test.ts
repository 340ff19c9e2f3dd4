import { describe, expect, it } from 'vitest';

import { claimedCrawler, inPublishedRanges, loadCrawlers } from '../../src/detect/crawler-claim.ts';

const defs = loadCrawlers();

describe('claimedCrawler', () => {
  it.each<[string, string | null]>([
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'Bingbot'],
    ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'YandexBot'],
    ['Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'Baiduspider'],
    ['Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Safari/605.1.15 (Applebot/0.1)', 'Applebot'],
    ['Mozilla/5.0 (compatible; MJ12bot/v1.4.4; http://www.majestic12.co.uk/bot.php?+)', null],
    ['', null],
  ])('%s → %s', (ua, name) => {
    expect(claimedCrawler(ua, defs)?.name ?? null).toBe(name);
  });

  it('only looks at the first KiB of a hostile user agent', () => {
    expect(claimedCrawler('x'.repeat(5000) + 'Googlebot', defs)).toBeNull();
  });
});

describe('inPublishedRanges', () => {
  const google = defs.find((d) => d.name === 'Googlebot')!;
  const bing = defs.find((d) => d.name === 'Bingbot')!;
  it.each<[string, boolean]>([
    ['66.249.73.135', true], // the Googlebot of the elastic apache_logs sample
    ['66.249.64.0', true],
    ['66.249.95.255', true],
    ['66.249.96.1', false],
    ['192.0.2.66', false], // detect-01: a Googlebot claim from outside the ranges needs the reverse check
    ['not-an-ip', false],
  ])('Googlebot %s → %s', (ip, want) => {
    expect(inPublishedRanges(ip, google)).toBe(want);
  });
  it('Bingbot 157.55.39.10 is in range, 203.0.113.5 is not', () => {
    expect(inPublishedRanges('157.55.39.10', bing)).toBe(true);
    expect(inPublishedRanges('203.0.113.5', bing)).toBe(false);
  });
  it('a crawler without published ranges is never in range', () => {
    expect(inPublishedRanges('17.0.0.1', defs.find((d) => d.name === 'Applebot')!)).toBe(false);
  });
});
