// The signature table must add up to the score shown in the header. Rules of one family count once
// (the strongest), the sum is capped at 100, decay since the last offence takes the rest, and DNS
// blocklist corroboration adds what the pipeline added; each adjustment is its own row so the reader
// can check the arithmetic.
import type { SignatureRow } from '../lib/snapshot-types.ts';

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
  /** Negative adjustment from decay (0 when none). */
  decay: number;
  /** Points added by DNSBL listings that mean abuse (0 when none). */
  corroboration: number;
  total: number;
}

/** `corroboration`: the part of `score` that DNSBL listings added (ActorReport.corroboration.points). */
export function scoreBreakdown(signatures: readonly SignatureRow[], score: number, corroboration = 0): Breakdown {
  const best = new Map<string, SignatureRow>();
  for (const s of signatures) {
    const cur = best.get(s.family);
    if (!cur || s.points > cur.points) best.set(s.family, s);
  }
  const lines = signatures.map((s) => {
    const winner = best.get(s.family)!;
    return { signature: s, counted: winner === s ? s.points : 0, supersededBy: winner === s ? null : winner.ruleId };
  });
  const sum = lines.reduce((n, l) => n + l.counted, 0);
  const capped = Math.min(100, sum);
  const cap = capped - sum;
  const added = Math.max(0, Math.min(corroboration, score));
  // decay only ever lowers the score; a snapshot whose score exceeds its evidence shows it as-is
  const decay = Math.min(0, score - added - capped);
  return { lines, sum, cap, decay, corroboration: added, total: capped + decay + added };
}
