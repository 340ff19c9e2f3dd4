import { describe, expect, it } from 'vitest';

import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { scoreSignatures } from '../../src/score/score.ts';
import { actorKeyOf, canonicalIp } from '../../src/core/ip.ts';
import { hit } from './make-hit.ts';

const rules = loadRules();
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('fake-crawler signature (detect-01)', () => {
  const hits = [hit({ ua: GOOGLEBOT, target: '/robots.txt' }), hit({ ua: GOOGLEBOT, target: '/a', sec: 5 }), hit({ target: '/b', sec: 9 })];
  it.each([
    ['fake', ['fake-crawler']],
    ['unverified', []], // a failed lookup is never held against the crawler
    ['verified', []],
    [null, []],
  ] as const)('crawler check %s → %j', (check, want) => {
    expect(detectActor(hits, rules, { crawlerCheck: check }).map((s) => s.ruleId)).toEqual(want);
  });
  it('cites exactly the requests that claimed the crawler', () => {
    const sig = detectActor(hits, rules, { crawlerCheck: 'fake' })[0]!;
    expect(sig.requestIds).toEqual([hits[0]!.id, hits[1]!.id]);
    expect(sig.points).toBe(40);
  });
});

describe('IPv6: an actor is the /64', () => {
  it('adds up a scanner rotating addresses inside its /64', () => {
    const addrs = ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2:ffff::c'];
    const paths = ['/wp-login.php', '/administrator/', '/phpmyadmin/'];
    const hits = addrs.map((ip, i) => hit({ ip: canonicalIp(ip)!, target: paths[i]!, status: 404, sec: i }));
    expect(new Set(hits.map((h) => actorKeyOf(h.ip, 64)))).toEqual(new Set(['2001:db8:1:2::/64']));
    // each address alone is one admin probe (25); the network together is a wide sweep (60)
    for (const h of hits) expect(scoreSignatures(detectActor([h], rules)).score).toBe(25);
    const r = scoreSignatures(detectActor(hits, rules));
    expect(r.score).toBe(60);
    expect(r.signatures.map((s) => s.ruleId)).toEqual(['admin-panel-sweep-wide']);
  });
});
