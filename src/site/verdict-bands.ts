// Verdict bands as explained on the methodology page, derived from the scorer's own verdictOf() so the
// two can never disagree (the report header shows the snapshot's verdict, never one recomputed here).
import type { Verdict } from '../core/types.ts';
import { MAX_SCORE, verdictOf } from '../score/score.ts';

export interface VerdictBand {
  verdict: Verdict;
  min: number;
  max: number;
}

/** Contiguous runs of verdictOf() over 0…100, highest first. */
export function verdictBands(of: (score: number) => Verdict = verdictOf, max = MAX_SCORE): VerdictBand[] {
  const bands: VerdictBand[] = [];
  for (let s = 0; s <= max; s++) {
    const v = of(s);
    const last = bands[bands.length - 1];
    if (last && last.verdict === v) last.max = s;
    else bands.push({ verdict: v, min: s, max: s });
  }
  return bands.reverse();
}

export const VERDICT_BANDS: readonly VerdictBand[] = verdictBands();
