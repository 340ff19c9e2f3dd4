import { describe, expect, it } from 'vitest';
import { VERDICT_BANDS, verdictBands } from '../../src/site/verdict-bands.ts';
import { verdictOf } from '../../src/score/score.ts';

describe('verdict bands', () => {
  it('are the scorer\'s own cut-offs, highest first', () => {
    expect(VERDICT_BANDS).toEqual([
      { verdict: 'critical', min: 80, max: 100 },
      { verdict: 'high', min: 60, max: 79 },
      { verdict: 'elevated', min: 40, max: 59 },
      { verdict: 'low', min: 1, max: 39 },
      { verdict: 'none', min: 0, max: 0 },
    ]);
  });

  it.each([0, 1, 39, 40, 59, 60, 79, 80, 100])('score %i falls in the band verdictOf() names', (s) => {
    expect(VERDICT_BANDS.find((b) => s >= b.min && s <= b.max)!.verdict).toBe(verdictOf(s));
  });

  it('follows a changed scorer', () => {
    expect(verdictBands((s) => (s >= 50 ? 'high' : 'low'), 100)).toEqual([{ verdict: 'high', min: 50, max: 100 }, { verdict: 'low', min: 0, max: 49 }]);
  });
});
