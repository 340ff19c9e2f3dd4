import { describe, expect, it } from 'vitest';
import { scoreBreakdown, type BreakdownInput } from '../../src/site/score-breakdown.ts';
import { decaySchedule } from '../../src/site/decay-schedule.ts';
import { decayedScore } from '../../src/score/score.ts';
import type { SignatureRow } from '../../src/lib/snapshot-types.ts';

const sig = (ruleId: string, family: string, points: number): SignatureRow => ({
  ruleId, family, points, label: 'x', title: ruleId, description: '', severity: 'high', count: 1, firstTs: 0, lastTs: 0, evidence: [],
});
const DAY = 86_400_000;
const LAST = Date.UTC(2026, 11, 1, 14, 0);

const input = (signatures: SignatureRow[], score: number, corroboration = 0): BreakdownInput => ({ signatures, score, corroboration });

describe('scoreBreakdown: rows + cap + corroboration = Σ = the report score', () => {
  it.each([
    // [name, input, counted per line, cap, corroboration, unexplained]
    ['plain sum', input([sig('a', 'f1', 40), sig('b', 'f2', 30)], 70), [40, 30], 0, 0, 0],
    // the cap bites: rows keep their rule's points, the cap is its own row
    ['cap', input([sig('exploit-path', 'exploit', 70), sig('admin-panel-sweep', 'admin', 45), sig('empty-user-agent', 'ua', 15)], 100), [70, 45, 15], -30, 0, 0],
    ['corroboration on top', input([sig('a', 'f1', 65)], 75, 10), [65], 0, 10, 0],
    // corroboration only fills up to 100 (the reader stores what counted)
    ['cap and corroboration', input([sig('a', 'f1', 70), sig('b', 'f2', 45)], 100, 0), [70, 45], -15, 0, 0],
    ['corroboration up to 100', input([sig('a', 'f1', 95)], 100, 5), [95], 0, 5, 0],
    ['family counted once', input([sig('a', 'wp', 30), sig('b', 'wp', 10), sig('c', 'env', 40)], 70), [30, 0, 40], 0, 0, 0],
    ['nothing', input([], 0), [], 0, 0, 0],
    // a stored score its rows cannot explain is shown as its own row: Σ still equals the header
    ['inconsistent snapshot', input([sig('a', 'f1', 80)], 70), [80], 0, 0, -10],
    ['corroboration larger than the score (damaged row)', input([], 3, 10), [], 0, 3, 0],
  ] as const)('%s', (_name, r, counted, cap, corroboration, unexplained) => {
    const b = scoreBreakdown({ ...r, signatures: [...r.signatures] });
    expect(b.lines.map((l) => l.counted)).toEqual(counted);
    expect([b.cap, b.corroboration, b.unexplained, b.total]).toEqual([cap, corroboration, unexplained, r.score]);
    expect(b.lines.reduce((n, l) => n + l.counted, 0) + b.cap + b.corroboration + b.unexplained).toBe(r.score);
  });

  it('names the family member that counted instead', () => {
    const b = scoreBreakdown(input([sig('strong', 'wp', 30), sig('weak', 'wp', 10)], 30));
    expect(b.lines.map((l) => l.supersededBy)).toEqual([null, 'strong']);
  });
});

describe('decaySchedule: the dates a report crosses the lines, agreeing with decayedScore()', () => {
  it('gives the day a 100 leaves the critical band and the day it falls below 60', () => {
    const steps = decaySchedule(100, LAST, 30, 60);
    expect(steps.map((s) => [s.below, (s.at - LAST) / DAY])).toEqual([[80, 10], [60, 23]]);
    for (const s of steps) {
      expect(decayedScore(100, LAST, s.at, 30)).toBeLessThan(s.below);
      expect(decayedScore(100, LAST, s.at - DAY, 30)).toBeGreaterThanOrEqual(s.below);
    }
  });

  it('a report under 80 only gets the threshold date; ageing off gives none', () => {
    expect(decaySchedule(70, LAST, 30, 60).map((s) => s.below)).toEqual([60]);
    expect(decaySchedule(100, LAST, 0, 60)).toEqual([]);
    expect(decaySchedule(100, null, 30, 60)).toEqual([]);
  });
});
