// The written analysis, the abuse e-mail and the expiry date are built from facts only.
import { describe, expect, it } from 'vitest';
import { analysisFor } from '../../src/site/analysis.ts';
import { abuseEmailText, abuseMailBody, abuseMailto, networkAbuseMail } from '../../src/site/abuse-email.ts';
import { dnsblSummary } from '../../src/site/dnsbl-summary.ts';
import { agesOutAt } from '../../src/site/expiry.ts';
import { prefixOf } from '../../src/lib/prefix.ts';
import { noteParagraphs } from '../../src/site/rule-notes.ts';
import type { ActorReport, Activity, Neighbours } from '../../src/lib/snapshot-types.ts';

const T = Date.UTC(2026, 10, 20, 4, 0, 0);
const report: ActorReport = {
  key: '192.0.2.10', slug: '192.0.2.10', family: 4, requests: 20, firstSeen: T, lastSeen: T + 3 * 3600_000, score: 75, verdict: 'high',
  country: 'NL', countryName: 'Netherlands', asn: 64500, org: 'Example Hosting', networkType: 'hosting', firstPublished: T,
  rawScore: 75, peakScore: 75, lastOffence: T + 3 * 3600_000, region: null, city: null, networkReason: null, geoSource: null,
  crawler: null, crawlerCheck: null, ips: [], abuse: null, dropsBelowAt: null, status: 'published', inBlocklist: true,
  expiredAt: null, sharedReason: null, scanner: null, abuseLookup: 'unknown', groupPages: { country: true, asn: true },
  corroboration: 0, corroborationReason: null,
  signatures: [
    { ruleId: 'secret-file-probe', family: 's', label: 'secret-file-probe', title: 'Secret file probing', description: '', points: 40, severity: 'high', count: 12, firstTs: T, lastTs: T, evidence: [
      { id: 1, ts: T, method: 'GET', request: '/.env', protocol: 'HTTP/1.1', status: 404, tag: null, referer: '(none)', userAgent: 'x' },
    ] },
    { ruleId: 'request-burst', family: 'b', label: 'request-burst', title: 'Burst', description: '', points: 35, severity: 'medium', count: 20, firstTs: T, lastTs: T, evidence: [] },
  ],
  dnsbl: [
    { zone: 'a.example', status: 'listed', meaning: '', codes: '127.0.0.2', abuse: true, since: T },
    { zone: 'b.example', status: 'not_listed', meaning: '', codes: '', abuse: false, since: T },
    { zone: 'c.example', status: 'error', meaning: 'timeout', codes: '', abuse: false, since: T },
  ],
};
const hours = Array(24).fill(0);
hours[4] = 18;
hours[6] = 2;
const activity: Activity = { days: [{ day: Date.UTC(2026, 10, 20), requests: 20 }], hours, statusClasses: [{ cls: 2, requests: 5 }, { cls: 4, requests: 15 }] };
const near: Neighbours = { prefix: '192.0.2.0/24', samePrefix: [], sameAsn: [], samePrefixTotal: 2, sameAsnMore: false };
const title = (id: string) => ({ 'secret-file-probe': 'Secret and backup file probing', 'request-burst': 'Request burst' })[id] ?? id;

describe('analysisFor', () => {
  it('states only what the numbers show', () => {
    expect(analysisFor(report, activity, near, title)).toEqual([
      '192.0.2.10 sent 20 requests to this site over 3 hours on 2026-11-20.',
      '2 signatures fired (Secret and backup file probing, Request burst); the strongest, “Secret file probing”, matched 12 requests and carries 40 points.',
      '75% of its requests were answered with a client error such as 404 or 403 (4xx) and 25% were answered normally (2xx).',
      'Most of its requests (18 of 20) came between 04:00 and 04:59 UTC.',
      'The address is announced by AS64500 (Example Hosting), a hosting (data centre) network, and located in Netherlands.',
      '2 other published addresses share its 192.0.2.0/24 block.',
      '1 of 2 DNS blocklists that answered lists it.',
    ]);
  });

  it('says the shares are of the requests still on record when old ones were pruned', () => {
    const pruned: Activity = { ...activity, hours: Array(24).fill(0).map((_, h) => (h === 4 ? 8 : 0)), statusClasses: [{ cls: 4, requests: 8 }] };
    expect(analysisFor(report, pruned, near, title)[2]).toBe('Of the 8 requests still on record, 100% were answered with a client error such as 404 or 403 (4xx); none was answered normally (2xx).');
  });

  it('counts redirects too, so the shares add up (the demo\'s 144.76.194.187: 2 × 4xx, 14 × 2xx, 25 × 3xx)', () => {
    const demo: Activity = { ...activity, statusClasses: [{ cls: 2, requests: 14 }, { cls: 3, requests: 25 }, { cls: 4, requests: 2 }] };
    expect(analysisFor({ ...report, requests: 41 }, demo, near, title)[2]).toBe('5% of its requests were answered with a client error such as 404 or 403 (4xx), 34% were answered normally (2xx) and 61% were redirected (3xx).');
  });

  it.each([
    [{ lastSeen: T + 20_000 }, 0, '192.0.2.10 sent 20 requests to this site within a minute on 2026-11-20.'],
    [{ lastSeen: T + 3 * 86_400_000 }, 0, '192.0.2.10 sent 20 requests to this site over 3 days, from 2026-11-20 to 2026-11-23.'],
    [{ key: '2001:db8:1:2::/64', networkType: 'unknown' as const }, 4, 'The network is announced by AS64500 (Example Hosting), a network of unknown type, and located in Netherlands.'],
    [{ scanner: 'Censys' }, 5, 'It belongs to the research scanner Censys.'],
    [{ sharedReason: 'mobile carrier network' }, 5, 'It is probably shared by many people (mobile carrier network): a block would affect all of them.'],
  ] as const)('%o → sentence %i is %s', (over, i, want) => {
    const lines = analysisFor({ ...report, ...over }, activity, near, title);
    expect(lines[i]).toBe(want);
  });
});

describe('abuseEmailText', () => {
  it('names the address, times, labels, redacted sample lines and the report URL', () => {
    const m = abuseEmailText(report, 'https://r.example/ip/192.0.2.10/', 'Site', title);
    expect(m.subject).toBe('Abuse report: 192.0.2.10 (high, score 75/100)');
    expect(m.body).toContain('192.0.2.10, announced by AS64500 (Example Hosting), sent 20 requests to our web server between 2026-11-20 04:00:00 UTC and 2026-11-20 07:00:00 UTC.');
    expect(m.body).toContain('  2026-11-20 04:00:00 UTC  GET /.env  → 404  [secret-file-probe]');
    expect(m.body).toContain('Full report with every signature and the evidence behind it: https://r.example/ip/192.0.2.10/');
  });
});

describe('the mailto: link of a report', () => {
  it('has a short factual body: counts, times, labels, score and the report URL; no request line', () => {
    const body = abuseMailBody(report, 'https://r.example/ip/192.0.2.10/', 'Site', title);
    expect(body.split('\r\n')).toEqual([
      'Hello,', '',
      '192.0.2.10 (AS64500) sent 20 requests to our web server between 2026-11-20 04:00:00 UTC and 2026-11-20 07:00:00 UTC: Secret and backup file probing, Request burst. Score 75/100 (high).',
      '', 'Report with every request as evidence: https://r.example/ip/192.0.2.10/', '', 'Please investigate this host.', '', '— Site',
    ]);
    expect(body).not.toContain('/.env');
  });

  it('percent-encodes subject and body so no header can be added (RFC 6068)', () => {
    const href = abuseMailto('abuse@example.net', 'a&cc=x@evil.example', 'line 1\r\nbcc: x@evil.example&to=y');
    expect(href).toBe('mailto:abuse@example.net?subject=a%26cc%3Dx%40evil.example&body=line%201%0D%0Abcc%3A%20x%40evil.example%26to%3Dy');
    const u = new URL(href);
    expect([...u.searchParams.keys()]).toEqual(['subject', 'body']);
  });

  it('for a network: its published addresses with their report URLs, at most 20 listed', () => {
    const actors = Array.from({ length: 22 }, (_, i) => ({ ...report, key: `192.0.2.${i + 1}`, slug: `192.0.2.${i + 1}` }));
    const m = networkAbuseMail(64500, 'Example Hosting', actors, (s) => `https://r.example/ip/${s}/`, 'Site');
    expect(m.subject).toBe('Abuse report: 22 addresses in AS64500');
    const lines = m.body.split('\r\n');
    expect(lines[2]).toBe('22 addresses announced by AS64500 (Example Hosting) sent abusive requests to our web server. Each report lists the requests as evidence:');
    expect(lines[4]).toBe('  192.0.2.1  score 75/100 (high), last seen 2026-11-20 07:00:00 UTC  https://r.example/ip/192.0.2.1/');
    expect(lines.filter((l) => l.includes('https://r.example/ip/'))).toHaveLength(20);
    expect(lines).toContain('  … and 2 more');
  });
});

describe('dnsblSummary', () => {
  const row = (status: 'listed' | 'not_listed' | 'error' | 'skipped', abuse = false) => ({ zone: 'z', status, meaning: '', codes: '', abuse, since: 0 });
  it.each([
    [[], 'Not checked: no blocklist was queried for this address.'],
    [[row('error'), row('error')], 'Not checked: no blocklist answered (2 could not be checked). This is not a clean result.'],
    [[row('error'), row('skipped')], 'Not checked: no blocklist answered (1 could not be checked; 1 does not cover this address family). This is not a clean result.'],
    [[row('not_listed'), row('error')], 'Not listed by any of the 1 list that answered; 1 could not be checked.'],
    [[row('listed', true), row('not_listed'), row('not_listed')], 'Listed by 1 of the 3 lists that answered.'],
    [[row('listed', true), row('listed'), row('skipped'), row('skipped')], 'Listed by 2 of the 2 lists that answered (1 for abuse, 1 as policy or range listings); 2 do not cover this address family.'],
  ])('%j → %s', (rows, want) => {
    expect(dnsblSummary(rows)).toBe(want);
  });
});

describe('agesOutAt', () => {
  it.each([
    // whole days: 80 · 0.5^(12/30) = 60.6 stays, 80 · 0.5^(13/30) = 59.2 drops
    [{ rawScore: 80, lastOffence: 0 }, 30, 60, 13],
    // a bare 60 holds for the first day, so the nightly run after the offence publishes it
    [{ rawScore: 60, lastOffence: 0 }, 30, 60, 1],
    [{ rawScore: 50, lastOffence: 0 }, 30, 60, 0],
  ])('%o with half-life %i, threshold %i → after %i days', (r, half, thr, days) => {
    expect(agesOutAt(r, { halfLifeDays: half, publishThreshold: thr })).toBe(days * 86_400_000);
  });
  it('is null without an offence or with decay turned off (half-life 0)', () => {
    expect(agesOutAt({ rawScore: 80, lastOffence: null }, { halfLifeDays: 30, publishThreshold: 60 })).toBeNull();
    expect(agesOutAt({ rawScore: 80, lastOffence: 5 }, { halfLifeDays: 0, publishThreshold: 60 })).toBeNull();
  });
});

describe('prefixOf', () => {
  it.each([['192.0.2.10', '192.0.2.0/24'], ['2001:db8:1:2::/64', '2001:db8:1::/48'], ['2001:db8::1', '2001:db8::/48']])('%s → %s', (k, want) => {
    expect(prefixOf(k)).toBe(want);
  });
});

describe('noteParagraphs', () => {
  it('drops headings and markdown markers, keeps the text', () => {
    expect(noteParagraphs('# rule-id\nCatches `.env`\nrequests.\n\n**Points 35:** one is a probe.\n- a <b>list</b> item')).toEqual([
      'Catches .env requests.', 'Points 35: one is a probe.', '• a <b>list</b> item',
    ]);
  });
});
