// The signature table must add up to the score shown in the header. Each rule row carries its full
// points (as /methodology/ lists them; a family counts once, the strongest), then every adjustment is
// its own row so the reader can redo the arithmetic: the 100 cap, decay since the last offence, and
// DNSBL corroboration. rows + cap + decay + corroboration = Σ = score.
import type { ActorReport, SignatureRow } from '../lib/snapshot-types.ts';
import { daysSince } from '../score/score.ts';

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
  /** Whole days from the last offence to the snapshot's as-of (what the decay used). */
  decayDays: number;
  /** Positive adjustment from DNSBL abuse listings (0 when none). */
  corroboration: number;
  total: number;
}

export type BreakdownInput = Pick<ActorReport, 'signatures' | 'score' | 'evidenceScore' | 'corroboration' | 'lastOffence'>;

export function scoreBreakdown(r: BreakdownInput, asOf: number): Breakdown {
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
  // decay only ever lowers and corroboration only ever raises (and only as much as the snapshot
  // recorded); a snapshot whose stored numbers disagree is shown so the rows add up to its score
  // whenever its evidence can explain that score
  const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
  let evidence = clamp(r.evidenceScore, 0, capped);
  let corroboration = clamp(r.score - evidence, 0, r.corroboration);
  if (evidence + corroboration !== r.score) {
    evidence = clamp(r.score, 0, capped);
    corroboration = clamp(r.score - evidence, 0, r.corroboration);
  }
  const decay = evidence - capped;
  const decayDays = r.lastOffence === null ? 0 : daysSince(r.lastOffence, asOf);
  return { lines, sum, cap, decay, decayDays, corroboration, total: capped + decay + corroboration };
}
