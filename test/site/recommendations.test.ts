import { describe, expect, it } from 'vitest';
import { blockAdviceFor, blockLinesFor, recommendationsFor } from '../../src/site/recommendations.ts';
import { attributionsFor } from '../../src/site/attribution.ts';
import type { GeoSource, SignatureRow } from '../../src/lib/snapshot-types.ts';

const sig = (ruleId: string, family: string, label: string): SignatureRow => ({
  ruleId, family, label, title: `T ${ruleId}`, description: '', points: 10, severity: 'low', count: 1, firstTs: 0, lastTs: 0, evidence: [],
});

describe('recommendationsFor', () => {
  it.each([
    [sig('wordpress-probe', 'wordpress', 'CMS scanning'), /WordPress/],
    [sig('env-file', 'secrets', 'Secret file theft'), /dotfiles/],
    [sig('tls-on-http', 'junk', 'Port scanning'), /Non-HTTP bytes/],
    [sig('sqli-union', 'injection', 'Injection attempts'), /WAF/],
    [sig('weird', 'other', 'Other'), /Review the requests listed for “T weird”/],
  ])('%o → advice matching %s', (s, want) => {
    const recs = recommendationsFor([s]);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.advice).toMatch(want);
    expect(recs[0]!.because).toEqual([s.title]);
  });

  it('merges signatures that lead to the same advice', () => {
    const recs = recommendationsFor([sig('wp-a', 'wordpress', 'x'), sig('wp-b', 'wordpress', 'x')]);
    expect(recs.map((r) => r.because)).toEqual([['T wp-a', 'T wp-b']]);
  });
});

describe('blockAdviceFor: shared addresses get softer advice and never a range block', () => {
  const near = (samePrefixTotal: number) => ({ prefix: '198.51.100.0/24', samePrefixTotal });
  it.each([
    ['hosting, 2 published neighbours → block the /24', { networkType: 'hosting', sharedReason: null }, 2, false, /3 published addresses sit in 198\.51\.100\.0\/24, a hosting network: .*blocking the whole 198\.51\.100\.0\/24/],
    ['hosting, 1 neighbour → no range advice', { networkType: 'hosting', sharedReason: null }, 1, false, null],
    ['residential, 5 neighbours → no range advice', { networkType: 'residential', sharedReason: null }, 5, false, null],
    ['shared (mobile), 5 neighbours → soft, no range', { networkType: 'mobile', sharedReason: 'mobile carrier network' }, 5, true, /^This address is shared \(mobile carrier network\).*for hours rather than for good, and never its whole range\.$/],
    ['shared hosting (many user agents) → soft even with neighbours', { networkType: 'hosting', sharedReason: '15 different user agents' }, 4, true, /shared \(15 different user agents\)/],
  ] as const)('%s', (_n, r, n, soft, advice) => {
    const got = blockAdviceFor({ key: '198.51.100.7', ...r }, near(n));
    expect(got.soft).toBe(soft);
    if (advice === null) expect(got.advice).toBeNull();
    else expect(got.advice).toMatch(advice);
  });
});

describe('blockLinesFor', () => {
  it.each([
    [{ key: '192.0.2.10', family: 4 as const }, 'deny 192.0.2.10;', 'nft add element inet filter pillory_v4 { 192.0.2.10 }', 'ipset add pillory 192.0.2.10'],
    [{ key: '2001:db8:1:2::/64', family: 6 as const }, 'deny 2001:db8:1:2::/64;', 'nft add element inet filter pillory_v6 { 2001:db8:1:2::/64 }', 'ipset add pillory6 2001:db8:1:2::/64'],
  ])('%o', (actor, nginx, nft, ipset) => {
    expect(blockLinesFor(actor)).toEqual({ nginx, nftables: nft, ipset });
  });
});

describe('attributionsFor', () => {
  const src = (name: string, licence: string, kind = 'city', buildDate = ''): GeoSource => ({ kind, name, buildDate, records: 0, licence, url: '', attribution: '' });
  const GEOLITE = 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com';
  it.each([
    [[src('DB-IP Lite City 2026-06', 'CC-BY-4.0')], ['IP Geolocation by DB-IP']],
    // the GeoLite2 EULA requires its sentence wherever the data is shown
    [[src('GeoLite2-City', 'GeoLite2 End User License Agreement'), src('GeoLite2-ASN', 'GeoLite2 End User License Agreement', 'asn')], [GEOLITE]],
    [[src('GeoIP2-City', 'MaxMind GeoIP2 End User License Agreement')], ['IP geolocation by MaxMind GeoIP2']],
    [[src('DB-IP Lite City', 'CC-BY-4.0'), src('ip-location-db ASN (RouteViews, NRO, DB-IP)', 'CC-BY-4.0', 'asn')], ['IP Geolocation by DB-IP', 'ASN data by RouteViews, NRO and DB-IP, compiled by ip-location-db']],
    [[], []],
  ])('%o → %o', (sources, want) => {
    expect(attributionsFor(sources).map((a) => a.text)).toEqual(want);
  });

  it('names each database with its build date, and links only to constant addresses', () => {
    const a = attributionsFor([src('GeoLite2-City', 'x', 'city', '2026-11-28'), src('GeoLite2-ASN', 'x', 'asn', 'not a date'), src('DB-IP Lite City', 'x', 'city', '2026-06-05')]);
    expect(a).toEqual([
      { text: GEOLITE, href: 'https://www.maxmind.com', licence: 'GeoLite2 EULA', sources: ['GeoLite2-City, built 2026-11-28', 'GeoLite2-ASN, build date unknown'] },
      { text: 'IP Geolocation by DB-IP', href: 'https://db-ip.com', licence: 'CC BY 4.0', sources: ['DB-IP Lite City, built 2026-06-05'] },
    ]);
  });
});
