// When a report's score crosses the lines that matter, if the actor does nothing more: out of the
// critical band, and below the publication threshold (when it leaves the blocklists). Dates, not
// today's number, so the page stays true on every later day and need not be rebuilt nightly; the
// visitor's browser works out today's value from the same numbers (public/score-now.js).
import { dropsBelowAt } from '../score/score.ts';

export interface DecayStep {
  /** The first moment the evidence score is below `below`. */
  at: number;
  below: number;
  what: string;
}

export function decaySchedule(rawScore: number, lastOffence: number | null, halfLifeDays: number, threshold: number): DecayStep[] {
  if (lastOffence === null || !(halfLifeDays > 0)) return [];
  const steps: DecayStep[] = [];
  const critical = 80;
  if (rawScore >= critical && critical > threshold) {
    const at = dropsBelowAt(rawScore, lastOffence, critical, halfLifeDays);
    if (at !== null) steps.push({ at, below: critical, what: 'out of the critical band' });
  }
  const gone = dropsBelowAt(rawScore, lastOffence, threshold, halfLifeDays);
  if (gone !== null) steps.push({ at: gone, below: threshold, what: 'below the publication threshold: it leaves the blocklists' });
  return steps;
}
