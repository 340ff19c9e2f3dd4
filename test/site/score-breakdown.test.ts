import { describe, expect, it } from 'vitest';
import { scoreBreakdown } from '../../src/site/score-breakdown.ts';
import type { SignatureRow } from '../../src/lib/snapshot-types.ts';

const sig = (ruleId: string, family: string, points: number): SignatureRow => ({
  ruleId, family, points, label: 'x', title: ruleId, description: '', severity: 'high', count: 1, firstTs: 0, lastTs: 0, evidence: [],
});

describe('scoreBreakdown', () => {
  it.each([
    // [signatures, score, counted per line, cap, decay, total]
    [[sig('a', 'f1', 40), sig('b', 'f2', 30)], 70, [40, 30], 0, 0, 70],
    [[sig('a', 'f1', 60), sig('b', 'f2', 60)], 100, [60, 60], -20, 0, 100],
    [[sig('a', 'f1', 60), sig('b', 'f2', 60)], 81, [60, 60], -20, -19, 81],
    [[sig('a', 'wp', 30), sig('b', 'wp', 10), sig('c', 'env', 40)], 70, [30, 0, 40], 0, 0, 70],
    [[], 0, [], 0, 0, 0],
  ] as const)('case %#: Σ equals the score', (sigs, score, counted, cap, decay, total) => {
    const b = scoreBreakdown([...sigs], score);
    expect(b.lines.map((l) => l.counted)).toEqual(counted);
    expect([b.cap, b.decay, b.total]).toEqual([cap, decay, total]);
    expect(b.lines.reduce((n, l) => n + l.counted, 0) + b.cap + b.decay).toBe(b.total);
  });

  it.each([
    // [signatures, score (with corroboration), corroboration, decay, total]
    [[sig('a', 'f1', 40), sig('b', 'f2', 30)], 80, 10, 0, 80],
    [[sig('a', 'f1', 40), sig('b', 'f2', 30)], 60, 10, -20, 60],
    [[sig('a', 'f1', 60), sig('b', 'f2', 60)], 100, 5, -5, 100],
    // a corroboration figure larger than the score (a damaged row) never makes Σ differ from the score
    [[], 3, 10, 0, 3],
  ] as const)('DNSBL corroboration is its own row and Σ still equals the score (case %#)', (sigs, score, corroboration, decay, total) => {
    const b = scoreBreakdown([...sigs], score, corroboration);
    expect([b.decay, b.total]).toEqual([decay, total]);
    expect(b.lines.reduce((n, l) => n + l.counted, 0) + b.cap + b.decay + b.corroboration).toBe(score);
  });

  it('names the family member that counted instead', () => {
    const b = scoreBreakdown([sig('strong', 'wp', 30), sig('weak', 'wp', 10)], 30);
    expect(b.lines.map((l) => l.supersededBy)).toEqual([null, 'strong']);
  });
});
