import { describe, expect, it } from 'vitest';

import type { SignatureHit } from '../../src/core/types.ts';
import { decayedScore, dropsBelowAt, scoreSignatures, verdictOf } from '../../src/score/score.ts';

function sig(ruleId: string, family: string, points: number, count = 1): SignatureHit {
  return { ruleId, family, label: 'x', title: ruleId, description: 'd', points, severity: 'medium', count, firstTs: 0, lastTs: 0, requestIds: [1] };
}
const DAY = 86_400_000;

describe('scoreSignatures', () => {
  it.each<[string, SignatureHit[], number, number, [string, number][]]>([
    ['nothing', [], 0, 0, []],
    ['sum of families', [sig('a', 'fa', 25), sig('b', 'fb', 15)], 40, 40, [['a', 25], ['b', 15]]],
    ['one per family, the strongest', [sig('probe', 'admin', 25), sig('sweep', 'admin', 45), sig('ua', 'ua', 15)], 60, 60, [['sweep', 45], ['ua', 15]]],
    ['ties in a family: more requests win', [sig('x', 'f', 20, 1), sig('y', 'f', 20, 5)], 20, 20, [['y', 20]]],
    // rows keep their rule's points; the page shows the cap (100 − 130 = −30) as its own row
    ['cap at 100: rows keep their points, rawSum keeps the sum', [sig('exploit', 'e', 70), sig('sweep', 'a', 45), sig('ua', 'u', 15)], 100, 130, [['exploit', 70], ['sweep', 45], ['ua', 15]]],
    ['exactly 100 is not cut', [sig('a', 'fa', 60), sig('b', 'fb', 40)], 100, 100, [['a', 60], ['b', 40]]],
  ])('%s', (_n, sigs, score, rawSum, rows) => {
    const r = scoreSignatures(sigs);
    expect(r.score).toBe(score);
    expect(r.rawSum).toBe(rawSum);
    expect(r.signatures.map((s) => [s.ruleId, s.points])).toEqual(rows);
    expect(r.signatures.reduce((n, s) => n + s.points, 0)).toBe(r.rawSum);
    expect(r.score).toBe(Math.min(100, r.rawSum));
    expect(r.verdict).toBe(verdictOf(score));
  });

  it('counts a family once even when its weaker member fired on more requests', () => {
    const r = scoreSignatures([sig('probe', 'admin', 25, 40), sig('sweep', 'admin', 45, 2)]);
    expect(r.signatures.map((s) => s.ruleId)).toEqual(['sweep']);
    expect(r.score).toBe(45);
  });
});

describe('verdictOf', () => {
  it.each<[number, string]>([
    [0, 'none'], [1, 'low'], [39, 'low'], [40, 'elevated'], [59, 'elevated'],
    [60, 'high'], [79, 'high'], [80, 'critical'], [100, 'critical'],
  ])('%d → %s', (score, v) => {
    expect(verdictOf(score)).toBe(v);
  });
});

describe('decayedScore (whole days since the last offence)', () => {
  it.each<[number, number, number, number]>([
    [80, 0, 30, 80], // no time passed
    [80, -5 * DAY, 30, 80], // as-of before the offence: unchanged
    [60, DAY - 1, 30, 60], // within the first day the score holds: a 60 is published by the next nightly run
    [60, DAY, 30, 58], // one day: 60 · 0.5^(1/30) = 58.6 → 58
    [80, 30 * DAY, 30, 40], // one half-life
    [80, 30 * DAY + DAY - 1, 30, 40], // still day 30
    [80, 60 * DAY, 30, 20], // two half-lives
    [100, 15 * DAY, 30, 70], // 100 / √2 = 70.7 → rounded down
    [100, 22 * DAY, 30, 60], // 100 · 0.5^(22/30) = 60.1
    [100, 23 * DAY, 30, 58], // 100 · 0.5^(23/30) = 58.8
    [0, 10 * DAY, 30, 0],
  ])('score %d after %d ms, half-life %d days → %d', (score, elapsed, hl, want) => {
    expect(decayedScore(score, 1_000_000, 1_000_000 + elapsed, hl)).toBe(want);
  });
});

describe('dropsBelowAt', () => {
  const last = Date.UTC(2026, 11, 3, 14, 30);
  it.each<[number, number, number, number]>([
    [60, 60, 30, 1], // the bare minimum stays listed for one day
    [61, 60, 30, 1], // 61 · 0.5^(1/30) = 59.6
    [65, 60, 30, 4], // 65 → 63.5, 62.0, 60.6, 59.2
    [80, 60, 30, 13],
    [100, 60, 30, 23],
    [95, 40, 14, 18],
    [80, 40, 30, 31], // exactly 40 on day 30, 39 on day 31
  ])('score %d below %d with half-life %d: after %d whole days', (score, threshold, hl, days) => {
    const t = dropsBelowAt(score, last, threshold, hl)!;
    expect(t).toBe(last + days * DAY);
    expect(decayedScore(score, last, t, hl)).toBeLessThan(threshold);
    expect(decayedScore(score, last, t - 1, hl)).toBeGreaterThanOrEqual(threshold);
  });
  it('already below → the offence time; threshold 0 → never', () => {
    expect(dropsBelowAt(50, last, 60, 30)).toBe(last);
    expect(dropsBelowAt(50, last, 0, 30)).toBeNull();
  });
});

describe('ageing off (halfLifeDays 0)', () => {
  it('keeps the score and never drops below', () => {
    const day = 86_400_000;
    expect(decayedScore(64, 0, 400 * day, 0)).toBe(64);
    expect(dropsBelowAt(64, 0, 60, 0)).toBeNull();
    expect(dropsBelowAt(50, 0, 60, 0)).toBe(0);
  });
});
