// When a report ages out: the moment the decayed score drops below the publication threshold, if
// nothing new happens. Uses the scorer's own decay so the date matches what the nightly run will do.
import type { ActorReport, SiteMeta } from '../lib/snapshot-types.ts';
import { dropsBelowAt } from '../score/score.ts';

export function agesOutAt(r: Pick<ActorReport, 'rawScore' | 'lastOffence'> & { dropsBelowAt?: number | null }, meta: Pick<SiteMeta, 'publishThreshold' | 'halfLifeDays'>): number | null {
  if (typeof r.dropsBelowAt === 'number') return r.dropsBelowAt; // the pipeline's own answer wins
  // a half-life of 0 turns decay off (the scorer keeps the raw score): nothing ages out by itself
  if (r.lastOffence === null || !(meta.halfLifeDays > 0)) return null;
  return dropsBelowAt(r.rawScore, r.lastOffence, meta.publishThreshold, meta.halfLifeDays);
}

/**
 * When a report last changed because of the actor: its newest request or the night it was first
 * published, whichever is later. Pages say this instead of the build time, which changes nightly.
 */
export function reportUpdated(r: Pick<ActorReport, 'lastSeen' | 'firstPublished'>): number {
  return Math.max(r.lastSeen, r.firstPublished ?? 0);
}
