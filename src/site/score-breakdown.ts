// The signature table must add up to the score shown in the header. Rules of one family count once
// (the strongest), the sum is capped at 100, and decay since the last offence takes the rest; each
// adjustment is its own row so the reader can check the arithmetic.
import type { SignatureRow } from '../lib/snapshot-types.ts';

export interface BreakdownLine {
  signature: SignatureRow;
  /** Points that count toward the score (0 when a stronger rule of the same family fired). */
  counted: number;
  /** Rule id of the family member that counted instead, when this one did not. */
  supersededBy: string | null;
  /** The rule's own points when the 100 cap cut this row to fewer (the scorer cuts from the end). */
  cutFrom: number | null;
}

export interface Breakdown {
  lines: BreakdownLine[];
  sum: number;
  /** Negative adjustment from the 100 cap (0 when none). */
  cap: number;
  /** Negative adjustment from decay (0 when none). */
  decay: number;
  total: number;
}

export function scoreBreakdown(signatures: readonly SignatureRow[], score: number, rulePoints: (id: string) => number | null = () => null): Breakdown {
  const best = new Map<string, SignatureRow>();
  for (const s of signatures) {
    const cur = best.get(s.family);
    if (!cur || s.points > cur.points) best.set(s.family, s);
  }
  const lines = signatures.map((s) => {
    const winner = best.get(s.family)!;
    return { signature: s, counted: winner === s ? s.points : 0, supersededBy: winner === s ? null : winner.ruleId, cutFrom: null as number | null };
  });
  const sum = lines.reduce((n, l) => n + l.counted, 0);
  // The scorer cuts from the end of its strongest-first order: only when the rows reach the cap exactly,
  // and then only the last row that still counts, or a row after it counting 0, can have been cut.
  if (sum === 100) {
    const counting = lines.filter((l) => !l.supersededBy);
    const last = counting.reduce((k, l, i) => (l.counted > 0 ? i : k), -1);
    counting.forEach((l, i) => {
      const full = rulePoints(l.signature.ruleId);
      if (i >= last && full !== null && full > l.counted) l.cutFrom = full;
    });
  }
  const capped = Math.min(100, sum);
  const cap = capped - sum;
  // decay only ever lowers the score; a snapshot whose score exceeds its evidence shows it as-is
  const decay = Math.min(0, score - capped);
  return { lines, sum, cap, decay, total: capped + decay };
}
