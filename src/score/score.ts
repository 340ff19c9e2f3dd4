import type { ScoreResult, SignatureHit, Verdict } from '../core/types.ts';

export const MAX_SCORE = 100;
const DAY_MS = 86_400_000;

/**
 * Score of one actor: the strongest signature of each family counts once; the sum is capped at 100.
 * Rows are ordered strongest first. When the cap bites, rows keep their order and the points shown
 * (SignatureHit.points in the result) are cut from the end — the row that crosses 100 shows only what
 * was left, later rows show 0 — so the rows always add up to `score`; `rawSum` keeps the uncut sum.
 */
export function scoreSignatures(sigs: readonly SignatureHit[]): ScoreResult {
  const best = new Map<string, SignatureHit>();
  for (const s of sigs) {
    const cur = best.get(s.family);
    if (!cur || stronger(s, cur)) best.set(s.family, s);
  }
  const rows = [...best.values()].sort((a, b) => b.points - a.points || a.ruleId.localeCompare(b.ruleId));
  const rawSum = rows.reduce((n, s) => n + s.points, 0);
  let left = MAX_SCORE;
  const signatures = rows.map((s) => {
    const shown = Math.min(s.points, left);
    left -= shown;
    return shown === s.points ? s : { ...s, points: shown };
  });
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

/**
 * The score after halving every `halfLifeDays` since the last offending request, rounded down (in the
 * listed party's favour). Before or at the offence the score is unchanged. A half-life of 0 turns
 * ageing off (the bundled demo replays two logs five months apart).
 */
export function decayedScore(score: number, lastOffenceTs: number, asOfTs: number, halfLifeDays: number): number {
  if (score <= 0) return 0;
  const elapsed = asOfTs - lastOffenceTs;
  if (elapsed <= 0 || halfLifeDays <= 0) return Math.floor(score);
  return Math.floor(score * Math.pow(0.5, elapsed / (halfLifeDays * DAY_MS)));
}

/**
 * The first millisecond at which decayedScore() is below `threshold`; `lastOffenceTs` when it already
 * is; null when it never will be (threshold ≤ 0, or ageing off).
 */
export function dropsBelowAt(score: number, lastOffenceTs: number, threshold: number, halfLifeDays: number): number | null {
  if (threshold <= 0) return null;
  if (decayedScore(score, lastOffenceTs, lastOffenceTs, halfLifeDays) < threshold) return lastOffenceTs;
  if (halfLifeDays <= 0) return null;
  // score·0.5^(t/h) < threshold  ⇔  t > h·log2(score/threshold); then correct float error by stepping.
  let t = lastOffenceTs + Math.ceil(halfLifeDays * DAY_MS * Math.log2(score / threshold));
  while (decayedScore(score, lastOffenceTs, t, halfLifeDays) < threshold) t--;
  while (decayedScore(score, lastOffenceTs, t, halfLifeDays) >= threshold) t++;
  return t;
}
