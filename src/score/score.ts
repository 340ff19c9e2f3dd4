import type { ScoreResult, SignatureHit, Verdict } from '../core/types.ts';

export const MAX_SCORE = 100;
const DAY_MS = 86_400_000;

/**
 * Score of one actor: the strongest signature of each family counts once; the sum is capped at 100.
 * Rows are ordered strongest first and keep their rule's full points (what /methodology/ says), so a
 * reader can match each row to its rule; when the sum passes 100, `rawSum` keeps it and the page
 * shows the cap as its own row (rows + cap = score).
 */
export function scoreSignatures(sigs: readonly SignatureHit[]): ScoreResult {
  const best = new Map<string, SignatureHit>();
  for (const s of sigs) {
    const cur = best.get(s.family);
    if (!cur || stronger(s, cur)) best.set(s.family, s);
  }
  const signatures = [...best.values()].sort((a, b) => b.points - a.points || a.ruleId.localeCompare(b.ruleId));
  const rawSum = signatures.reduce((n, s) => n + s.points, 0);
  const score = Math.min(rawSum, MAX_SCORE);
  return { score, rawSum, verdict: verdictOf(score), signatures };
}

function stronger(a: SignatureHit, b: SignatureHit): boolean {
  if (a.points !== b.points) return a.points > b.points;
  if (a.count !== b.count) return a.count > b.count;
  return a.ruleId < b.ruleId;
}

/** critical 80–100, high 60–79, elevated 40–59, low 1–39, none 0. */
export function verdictOf(score: number): Verdict {
  if (score >= 80) return 'critical';
  if (score >= 60) return 'high';
  if (score >= 40) return 'elevated';
  if (score >= 1) return 'low';
  return 'none';
}

/** Whole days from the last offence to `asOfTs` (0 before or during the first 24 hours). */
export function daysSince(lastOffenceTs: number, asOfTs: number): number {
  return asOfTs <= lastOffenceTs ? 0 : Math.floor((asOfTs - lastOffenceTs) / DAY_MS);
}

/**
 * Today's score: halved every `halfLifeDays` since the last offending request, counted in whole days
 * and rounded down (in the listed party's favour). Whole days make "today's score" one number for a
 * whole day, and let an actor that just reached the threshold be published by the nightly run after
 * the offence; with continuous decay a score of exactly 60 would be below 60 a millisecond later and
 * never be published at all. A half-life of 0 turns ageing off (the bundled demo replays 2015 logs).
 */
export function decayedScore(score: number, lastOffenceTs: number, asOfTs: number, halfLifeDays: number): number {
  if (score <= 0) return 0;
  const days = daysSince(lastOffenceTs, asOfTs);
  if (days === 0 || halfLifeDays <= 0) return Math.floor(score);
  return Math.floor(score * Math.pow(0.5, days / halfLifeDays));
}

/**
 * The first moment at which decayedScore() is below `threshold` (a whole number of days after the
 * last offence); `lastOffenceTs` when it already is; null when it never will be (threshold ≤ 0, or
 * ageing off).
 */
export function dropsBelowAt(score: number, lastOffenceTs: number, threshold: number, halfLifeDays: number): number | null {
  if (threshold <= 0) return null;
  if (decayedScore(score, lastOffenceTs, lastOffenceTs, halfLifeDays) < threshold) return lastOffenceTs;
  if (halfLifeDays <= 0) return null;
  // score·0.5^(d/h) < threshold  ⇔  d > h·log2(score/threshold); then correct float error by stepping.
  const at = (d: number) => decayedScore(score, lastOffenceTs, lastOffenceTs + d * DAY_MS, halfLifeDays);
  let d = Math.max(1, Math.ceil(halfLifeDays * Math.log2(score / threshold)));
  while (d > 1 && at(d - 1) < threshold) d--;
  while (at(d) >= threshold) d++;
  return lastOffenceTs + d * DAY_MS;
}
