// The signature table must add up to the score shown in the header. Each rule row carries its full
// points (as /methodology/ lists them; a family counts once, the strongest), then every adjustment is
// its own row so the reader can redo the arithmetic: the 100 cap and DNSBL corroboration.
// rows + cap + corroboration = Σ = the report's score. The score at a later date decays from it
// (decay-schedule.ts), which the page states as dates rather than as a number that changes nightly.
import type { ActorReport, SignatureRow } from '../lib/snapshot-types.ts';

export interface BreakdownLine {
  signature: SignatureRow;
  /** Points that count toward the score (0 when a stronger rule of the same family fired). */
  counted: number;
  /** Rule id of the family member that counted instead, when this one did not. */
  supersededBy: string | null;
}

export interface Breakdown {
  lines: BreakdownLine[];
  sum: number;
  /** Negative adjustment from the 100 cap (0 when none). */
  cap: number;
  /** Positive adjustment from DNSBL abuse listings (0 when none). */
  corroboration: number;
  /** What the stored score and its rows disagree by (0 unless the snapshot is inconsistent). */
  unexplained: number;
  total: number;
}

export type BreakdownInput = Pick<ActorReport, 'signatures' | 'score' | 'corroboration'>;

export function scoreBreakdown(r: BreakdownInput): Breakdown {
  const best = new Map<string, SignatureRow>();
  for (const s of r.signatures) {
    const cur = best.get(s.family);
    if (!cur || s.points > cur.points) best.set(s.family, s);
  }
  const lines = r.signatures.map((s) => {
    const winner = best.get(s.family)!;
    return { signature: s, counted: winner === s ? s.points : 0, supersededBy: winner === s ? null : winner.ruleId };
  });
  const sum = lines.reduce((n, l) => n + l.counted, 0);
  const capped = Math.min(100, sum);
  const cap = capped - sum;
  // corroboration only ever raises, and only as far as 100
  const corroboration = Math.max(0, Math.min(r.corroboration, 100 - capped, r.score));
  // a stored score its rows cannot explain is shown as such, so Σ is always the score in the header
  const unexplained = r.score - capped - corroboration;
  return { lines, sum, cap, corroboration, unexplained, total: r.score };
}
