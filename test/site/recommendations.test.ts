import { describe, expect, it } from 'vitest';
import { adviceFor, blockSnippetsFor, contextNotes, rangeAdviceFor, recommendationsFor } from '../../src/site/recommendations.ts';
import { attributionsFor } from '../../src/site/attribution.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import type { EvidenceHit, GeoSource, SignatureRow } from '../../src/lib/snapshot-types.ts';

const hit = (request: string, status: number): EvidenceHit => ({ id: 1, ts: 0, method: 'GET', request, protocol: 'HTTP/1.1', status, tag: null, referer: '(none)', userAgent: 'x' });
const sig = (ruleId: string, family: string, label: string, evidence: EvidenceHit[] = []): SignatureRow => ({
  ruleId, family, label, title: `T ${ruleId}`, description: '', points: 10, severity: 'low', count: 1, firstTs: 0, lastTs: 0, evidence,
});

describe('recommendationsFor', () => {
  it.each([
    [sig('wp-plugin-probe', 'wp-plugin-probe', 'wordpress-enumeration'), /WordPress plugins/],
    [sig('secret-file-probe', 'secret-probe', 'secret-file-probe'), /dotfiles/],
    [sig('protocol-probe', 'protocol-probe', 'protocol-probe'), /Non-HTTP bytes/],
    [sig('sqli-probe', 'sqli', 'injection-probe'), /parameterised queries/],
    [sig('new-rule', 'new-family', 'injection-probe'), /Validate input/],
    [sig('weird', 'other', 'other'), /Review the requests listed for “T weird”/],
  ])('%o → advice matching %s', (s, want) => {
    const recs = recommendationsFor([s]);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.advice).toMatch(want);
    expect(recs[0]!.because).toEqual([s.title]);
  });

  it('has specific advice for every rule in data/rules (a new family needs a line in the table)', () => {
    const generic = loadRules().filter((r) => adviceFor(r).startsWith('Review the requests')).map((r) => r.id);
    expect(generic).toEqual([]);
  });

  it('merges signatures that lead to the same advice and names their requests that were answered 2xx', () => {
    const recs = recommendationsFor([
      sig('secret-file-probe', 'secret-probe', 'secret-file-probe', [hit('/.env', 200), hit('/.git/config', 404)]),
      sig('secret-file-sweep', 'secret-probe', 'secret-file-probe', [hit('/.env', 200), hit('/backup.sql', 206), { ...hit('[tls-handshake]', 200), tag: 'tls-handshake' }]),
    ]);
    expect(recs.map((r) => [r.because, r.answered])).toEqual([[['T secret-file-probe', 'T secret-file-sweep'], ['/.env', '/backup.sql']]]);
  });
});

describe('rangeAdviceFor: only an unshared hosting address with published neighbours gets range advice', () => {
  const near = (samePrefixTotal: number) => ({ prefix: '198.51.100.0/24', samePrefixTotal });
  it.each([
    ['hosting, 2 published neighbours → block the /24', { networkType: 'hosting', sharedReason: null }, 2, /^3 published addresses sit in 198\.51\.100\.0\/24, a hosting network: .*blocking the whole 198\.51\.100\.0\/24/],
    ['hosting, 1 neighbour → no range advice', { networkType: 'hosting', sharedReason: null }, 1, null],
    ['residential, 5 neighbours → no range advice', { networkType: 'residential', sharedReason: null }, 5, null],
    ['shared (mobile), 5 neighbours → no range advice', { networkType: 'mobile', sharedReason: 'mobile carrier network' }, 5, null],
    ['shared hosting (many user agents) → no range advice even with neighbours', { networkType: 'hosting', sharedReason: '15 different user agents' }, 4, null],
  ] as const)('%s', (_n, r, n, advice) => {
    const got = rangeAdviceFor(r, near(n));
    if (advice === null) expect(got).toBeNull();
    else expect(got).toMatch(advice);
  });
});

describe('answered 2xx', () => {
  it('is named only for probes, where a 2xx may mean the probed thing exists (not for pages served to a client without a user agent)', () => {
    const recs = recommendationsFor([
      sig('empty-user-agent', 'empty-ua', 'anonymous-client', [hit('/about/', 200)]),
      sig('admin-panel-probe', 'admin-probe', 'admin-probe', [hit('/admin/', 200)]),
    ]);
    expect(recs.map((r) => r.answered)).toEqual([[], ['/admin/']]);
  });

  it('keeps at most six pieces of advice, strongest signatures first, and counts the rest', () => {
    const families = ['log4shell', 'webshell', 'exploit', 'sqli', 'xss', 'traversal', 'rfi', 'burst'];
    const recs = recommendationsFor(families.map((f, i) => ({ ...sig(f, f, 'x'), points: 80 - i })));
    expect(recs).toHaveLength(6);
    expect(recs[0]!.because).toEqual(['T log4shell']);
    expect(recs.more).toBe(2);
  });
});

describe('contextNotes', () => {
  const base = { key: '192.0.2.10', sharedReason: null, scanner: null, networkType: 'unknown' as const, inBlocklist: true, status: 'published' as const };
  it.each([
    [base, []],
    [{ ...base, networkType: 'hosting' as const }, ['The address belongs to a hosting network, where ordinary visitors rarely browse from: blocking it has little risk of shutting out people.']],
    [{ ...base, key: '2001:db8:1:2::/64', networkType: 'mobile' as const, sharedReason: 'mobile carrier network' }, ['This network is probably shared by many people (mobile carrier network): a block also hits everyone behind it, so prefer a rate limit or a block that expires, and never block its whole range.']],
    [{ ...base, networkType: 'residential' as const }, ['The address is on a residential network and may be reassigned to someone else: block the address only, not its range, and let the block expire.']],
    [{ ...base, scanner: 'Censys', inBlocklist: false }, ['This is the research scanner Censys: it scans the whole internet and publishes what it finds. It is not in the blocklists on this site. Block it only if you do not want to appear in its results.']],
    [{ ...base, status: 'expired' as const }, ['The report has expired and the address is no longer in the blocklists; block it only if it comes back.']],
  ])('%o', (r, want) => {
    expect(contextNotes(r)).toEqual(want);
  });
});

describe('blockSnippetsFor', () => {
  it('writes shell-safe lines for an IPv4 address (the test in build-site.test.ts runs them)', () => {
    expect(blockSnippetsFor({ key: '192.0.2.10', family: 4 }).map((s) => [s.tool, s.code])).toEqual([
      ['nginx', 'deny 192.0.2.10;'],
      ['nftables', [
        'nft add table inet pillory',
        "nft add set inet pillory blocked_v4 '{ type ipv4_addr; flags interval; }'",
        "nft add chain inet pillory input '{ type filter hook input priority filter - 10; policy accept; }'",
        'nft add rule inet pillory input ip saddr @blocked_v4 drop',
        "nft add element inet pillory blocked_v4 '{ 192.0.2.10 }'",
      ].join('\n')],
      ['ipset', [
        'ipset -exist create pillory-v4 hash:net family inet',
        'ipset -exist add pillory-v4 192.0.2.10',
        'iptables -C INPUT -m set --match-set pillory-v4 src -j DROP 2>/dev/null || iptables -I INPUT -m set --match-set pillory-v4 src -j DROP',
      ].join('\n')],
    ]);
  });

  it('uses the IPv6 set, family and ip6tables for an IPv6 network', () => {
    const [, nft, ipset] = blockSnippetsFor({ key: '2001:db8:1:2::/64', family: 6 });
    expect(nft!.code).toContain("nft add element inet pillory blocked_v6 '{ 2001:db8:1:2::/64 }'");
    expect(nft!.code).toContain('ip6 saddr @blocked_v6 drop');
    expect(ipset!.code).toContain('ipset -exist create pillory-v6 hash:net family inet6');
    expect(ipset!.code).toContain('ip6tables -I INPUT -m set --match-set pillory-v6 src -j DROP');
  });

  it('regression "nft add set … { type ipv4_addr; flags interval; }" unquoted: a shell split it at ";", so the braces are quoted', () => {
    const line = blockSnippetsFor({ key: '192.0.2.10', family: 4 })[1]!.code.split('\n')[1]!;
    expect(line.slice(line.indexOf('{') - 1, line.indexOf('}') + 2)).toBe("'{ type ipv4_addr; flags interval; }'");
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
