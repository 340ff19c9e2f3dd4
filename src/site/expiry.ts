// When a report ages out: the moment the decayed score drops below the publication threshold, if
// nothing new happens. Uses the scorer's own decay so the date matches what the nightly run will do.
import type { ActorReport, SiteMeta } from '../lib/snapshot-types.ts';
import { dropsBelowAt } from '../score/score.ts';

export function agesOutAt(r: Pick<ActorReport, 'rawScore' | 'lastOffence'>, meta: Pick<SiteMeta, 'publishThreshold' | 'halfLifeDays'>): number | null {
  if (r.lastOffence === null) return null;
  return dropsBelowAt(r.rawScore, r.lastOffence, meta.publishThreshold, meta.halfLifeDays);
}
