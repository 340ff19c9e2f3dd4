import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { actorKeyOf } from '../../src/core/ip.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { loadCrawlers } from '../../src/detect/crawler-claim.ts';
import { StreamDetector, type DetectionOutput } from '../../src/detect/stream-detector.ts';
import { brief, prng, randomLog, referenceEpisodes, runStream, statesOf, streamOptions, type HarnessOptions } from './stream-harness.ts';

// Across nights: the state persisted after one night (with the events it still held for reordering)
// must give, the next night, exactly what reading both nights at once gives. And the window: a rule's
// evidence is its current episode (no gap longer than windowDays), judged only while the episode's
// newest request is inside the window.

const rules = loadRules();
const crawlers = loadCrawlers();
const DAY = 86_400_000;

function twoNights(hits: Hit[], split: number, o: HarnessOptions): { n1: DetectionOutput; n2: DetectionOutput } {
  const d1 = new StreamDetector(streamOptions(o));
  for (const h of hits.slice(0, split)) d1.push(h, h.id);
  const n1 = d1.finish({ windowStart: o.windowStart ?? -Infinity });
  const stored = new Map(statesOf(n1).map((a) => [a.key, a.state]));
  const d2 = new StreamDetector(streamOptions(o, {
    frontier: n1.frontier,
    loadStates: (keys) => new Map(keys.filter((k) => stored.has(k)).map((k) => [k, stored.get(k)!])),
  }));
  for (const h of hits.slice(split)) d2.push(h, h.id);
  const n2 = d2.finish({ windowStart: o.windowStart ?? -Infinity });
  return { n1, n2 };
}

describe('night 1 then night 2 equals both nights at once', () => {
  it.each(Array.from({ length: 40 }, (_, i) => [i + 1, i % 2 ? 3 * DAY : Infinity]))('seed %i, window %s ms', (seed, windowMs) => {
    const { hits } = randomLog(seed, 800, 60_000, 2 * DAY);
    const split = 100 + Math.floor(prng(seed * 7)() * 600);
    const o: HarnessOptions = { rules, crawlers, slackMs: 60_000, windowMs, facts: () => ({ crawlerCheck: 'fake' }) };
    const once = runStream(hits, o);
    const { n1, n2 } = twoNights(hits, split, o);
    // quiet actors were frozen into bytes and thawed when seen again, both ways
    expect(once.freezes).toBeGreaterThan(0);
    expect(once.thaws + n2.thaws).toBeGreaterThan(0);
    const onceBy = new Map(once.outcomes.map((a) => [a.key, a]));
    const touched2 = new Set(statesOf(n2).map((a) => a.key));
    // every outcome of the second night is the one-run outcome; actors the second night did not see keep
    // their first-night outcome, which is the one-run outcome too unless an episode ended in between
    for (const a of n2.outcomes) expect(a, a.key).toEqual(onceBy.get(a.key));
    if (windowMs === Infinity) {
      for (const a of n1.outcomes) if (!touched2.has(a.key)) expect(a, a.key).toEqual(onceBy.get(a.key));
      expect(n2.outcomes.length + n1.outcomes.filter((a) => !touched2.has(a.key)).length).toBe(once.outcomes.length);
    }
    // and the state left for a third night is byte for byte the same
    const onceState = new Map(statesOf(once).map((a) => [a.key, Buffer.from(a.state).toString('hex')]));
    for (const a of statesOf(n2)) expect(Buffer.from(a.state).toString('hex'), a.key).toBe(onceState.get(a.key));
    // the stored requests: what the one run keeps is kept, plus at most some of first-night-only actors
    const rows = new Set(n1.store.map((h) => h.id));
    for (const id of n2.drop) rows.delete(id);
    for (const h of n2.store) rows.add(h.id);
    const onceRows = new Set(once.store.map((h) => h.id));
    const actorOf = new Map(hits.map((h) => [h.id, actorKeyOf(h.ip, 64)]));
    // the one exception, by design: a first-night request that only a dense group (404 ratio, burst…)
    // might cite later, of an actor with no signature yet, is not stored (README, "What is stored")
    const night1 = new Set(hits.slice(0, split).map((h) => h.id));
    const flagged1 = new Set(n1.outcomes.filter((a) => a.signatures.length).map((a) => a.key));
    for (const id of onceRows) {
      if (night1.has(id) && !flagged1.has(actorOf.get(id)!)) continue;
      expect(rows.has(id), `request ${id} stored`).toBe(true);
    }
    for (const id of rows) if (!onceRows.has(id)) expect(touched2.has(actorOf.get(id)!), `extra row ${id}`).toBe(false);
  });

  it('a request read late across the night boundary is put in order (the held events travel in the state)', () => {
    // a burst: 40 page requests in 8 s, the night ends in its middle and the first of the next night is 30 s late
    const t0 = Date.UTC(2026, 0, 1);
    const mk = (i: number, sec: number): Hit => ({
      id: 100 + i, ip: '203.0.113.5', ts: t0 + sec * 1000, method: 'GET', target: `/p/${i}`, protocol: 'HTTP/1.1', status: 200, bytes: 1,
      referer: '', ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', host: '', tag: null, raw: '', badUtf8: false,
    });
    const hits = Array.from({ length: 40 }, (_, i) => mk(i, i / 5));
    const late = mk(40, 1.5);
    const all = [...hits.slice(0, 20), ...hits.slice(20), late];
    const o: HarnessOptions = { rules, slackMs: 60_000 };
    const once = runStream(all, o).outcomes[0]!.signatures.find((s) => s.ruleId === 'request-burst')!;
    const { n2 } = twoNights(all, 30, o);
    expect(n2.outcomes[0]!.signatures.find((s) => s.ruleId === 'request-burst')).toEqual(once);
    expect(once.count).toBe(41);
    expect(once.requestIds.slice(0, 9)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 140]);
  });
});

describe('the window: a rule is judged on its current episode', () => {
  it.each(Array.from({ length: 30 }, (_, i) => i + 1))('seed %i: gaps of up to six days, a three-day window', (seed) => {
    const { hits } = randomLog(seed, 700, 30_000, 6 * DAY);
    const newest = Math.max(...hits.map((h) => h.ts));
    const o = { rules, crawlers, slackMs: 30_000, windowMs: 3 * DAY, windowStart: newest - 3 * DAY, facts: () => ({ crawlerCheck: 'fake' as const }) };
    const stream = new Map(runStream(hits, o).outcomes.filter((a) => a.signatures.length).map((a) => [a.key, a.signatures]));
    expect(brief(stream)).toEqual(brief(referenceEpisodes(hits, o)));
  });

  it('an actor quiet for longer than the window starts afresh: counts and evidence', () => {
    const h = (id: number, day: number, target: string): Hit => ({
      id, ip: '203.0.113.9', ts: Date.UTC(2026, 0, 1) + day * DAY, method: 'GET', target, protocol: 'HTTP/1.1', status: 404,
      bytes: 0, referer: '', ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', host: '', tag: null, raw: '', badUtf8: false,
    });
    const hits = [h(1, 0, '/.env'), h(2, 1, '/.git/config'), h(3, 10, '/backup.sql')];
    const out = runStream(hits, { rules, windowMs: 3 * DAY, windowStart: hits[2]!.ts - 3 * DAY });
    const a = out.outcomes[0]!;
    expect(a.requests).toBe(1);
    expect(a.firstSeen).toBe(hits[2]!.ts);
    expect(a.signatures.map((s) => `${s.ruleId}:${s.requestIds.join(',')}`)).toEqual(['secret-file-probe:3']);
    // with a longer window the three requests add up to a sweep
    const long = runStream(hits, { rules, windowMs: 30 * DAY, windowStart: -Infinity }).outcomes[0]!;
    expect(long.requests).toBe(3);
    expect(long.signatures.map((s) => `${s.ruleId}:${s.requestIds.join(',')}`)).toEqual(['secret-file-probe:1,2,3', 'secret-file-sweep:1,2,3']);
  });
});
