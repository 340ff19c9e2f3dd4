import { describe, expect, it } from 'vitest';
import { scoreBreakdown, type BreakdownInput } from '../../src/site/score-breakdown.ts';
import type { SignatureRow } from '../../src/lib/snapshot-types.ts';

const sig = (ruleId: string, family: string, points: number): SignatureRow => ({
  ruleId, family, points, label: 'x', title: ruleId, description: '', severity: 'high', count: 1, firstTs: 0, lastTs: 0, evidence: [],
});
const DAY = 86_400_000;
const LAST = Date.UTC(2026, 11, 1, 14, 0);

const input = (signatures: SignatureRow[], score: number, evidenceScore: number, corroboration = 0): BreakdownInput =>
  ({ signatures, score, evidenceScore, corroboration, lastOffence: LAST });

describe('scoreBreakdown: rows + cap + decay + corroboration = Σ = score', () => {
  it.each([
    // [name, input, counted per line, cap, decay, corroboration, total]
    ['plain sum', input([sig('a', 'f1', 40), sig('b', 'f2', 30)], 70, 70), [40, 30], 0, 0, 0, 70],
    // the cap bites: rows keep their rule's points, the cap is its own row
    ['cap', input([sig('exploit-path', 'exploit', 70), sig('admin-panel-sweep', 'admin', 45), sig('empty-user-agent', 'ua', 15)], 100, 100), [70, 45, 15], -30, 0, 0, 100],
    ['cap then decay', input([sig('a', 'f1', 60), sig('b', 'f2', 60)], 81, 81), [60, 60], -20, -19, 0, 81],
    // DNSBL corroboration on top of decayed evidence
    ['decay then corroboration', input([sig('a', 'f1', 65)], 72, 62, 10), [65], 0, -3, 10, 72],
    // corroboration only fills up to 100 (the pipeline stores what counted)
    ['cap and corroboration', input([sig('a', 'f1', 70), sig('b', 'f2', 45)], 100, 100, 0), [70, 45], -15, 0, 0, 100],
    ['corroboration up to 100', input([sig('a', 'f1', 95)], 100, 95, 5), [95], 0, 0, 5, 100],
    ['family counted once', input([sig('a', 'wp', 30), sig('b', 'wp', 10), sig('c', 'env', 40)], 70, 70), [30, 0, 40], 0, 0, 0, 70],
    ['nothing', input([], 0, 0), [], 0, 0, 0, 0],
    // a stored score the stored evidence cannot explain as decay: shown as decay, never as corroboration
    ['inconsistent snapshot', input([sig('a', 'f1', 80)], 70, 80, 0), [80], 0, -10, 0, 70],
  ] as const)('%s', (_name, r, counted, cap, decay, corroboration, total) => {
    const b = scoreBreakdown({ ...r, signatures: [...r.signatures] }, LAST + 3 * DAY);
    expect(b.lines.map((l) => l.counted)).toEqual(counted);
    expect([b.cap, b.decay, b.corroboration, b.total]).toEqual([cap, decay, corroboration, total]);
    expect(b.lines.reduce((n, l) => n + l.counted, 0) + b.cap + b.decay + b.corroboration).toBe(b.total);
    expect(b.total).toBe(r.score);
  });

  it.each([
    // [signatures, score (with corroboration), corroboration, decay, total]
    [[sig('a', 'f1', 40), sig('b', 'f2', 30)], 80, 10, 0, 80],
    [[sig('a', 'f1', 40), sig('b', 'f2', 30)], 60, 10, -20, 60],
    [[sig('a', 'f1', 60), sig('b', 'f2', 60)], 100, 5, -5, 100],
    // a corroboration figure larger than the score (a damaged row) never makes Σ differ from the score
    [[], 3, 10, 0, 3],
  ] as const)('DNSBL corroboration is its own row and Σ still equals the score (case %#)', (sigs, score, corroboration, decay, total) => {
    const b = scoreBreakdown(input([...sigs], score, Math.max(0, score - corroboration), corroboration), LAST);
    expect([b.decay, b.total]).toEqual([decay, total]);
    expect(b.lines.reduce((n, l) => n + l.counted, 0) + b.cap + b.decay + b.corroboration).toBe(score);
  });

  it('names the family member that counted instead', () => {
    const b = scoreBreakdown(input([sig('strong', 'wp', 30), sig('weak', 'wp', 10)], 30, 30), LAST);
    expect(b.lines.map((l) => l.supersededBy)).toEqual([null, 'strong']);
  });

  it('says how many whole days of decay it applied', () => {
    expect(scoreBreakdown(input([sig('a', 'f1', 80)], 74, 74), LAST + 4 * DAY + 5).decayDays).toBe(4);
  });
});
