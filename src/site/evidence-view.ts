// How much evidence a report page shows, and what it says was redacted. A page must stay small (about
// 30 KB of HTML, however many rules fired), so rows per signature shrink as signatures grow and long
// log strings are shortened for display; the JSON twin carries every cited request in full.
import type { EvidenceHit, SignatureRow } from '../lib/snapshot-types.ts';

/** Evidence rows on one page, shared out between the signatures (every signature shows at least one). */
export const ROW_BUDGET = 30;
const MAX_PER_SIGNATURE = 12;
const MIN_PER_SIGNATURE = 1;
/** Characters of a path, user agent or referer shown on the page. */
export const SHOWN_CHARS = 160;

export function rowsPerSignature(signatures: number): number {
  return Math.max(MIN_PER_SIGNATURE, Math.min(MAX_PER_SIGNATURE, Math.floor(ROW_BUDGET / Math.max(1, signatures))));
}

export function shorten(s: string, max = SHOWN_CHARS): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export interface RedactionNote {
  /** Shown requests whose query values were replaced by "…". */
  queries: number;
  /** Shown strings (paths, user agents, referers) where a host name, e-mail address or token became [redacted]. */
  redacted: number;
  /** Shown referers that pointed at another site (their host is left out). */
  externalReferers: number;
  /** Shown strings cut to SHOWN_CHARS. */
  shortened: number;
}

const QUERY_VALUE = /\?(?:[^?]*=)?…|&[^&]*=…/;

export function redactionNote(hits: readonly EvidenceHit[], extra: readonly string[] = []): RedactionNote {
  const note = { queries: 0, redacted: 0, externalReferers: 0, shortened: 0 };
  for (const h of hits) {
    if (QUERY_VALUE.test(h.request)) note.queries++;
    if (h.referer.startsWith('external ')) note.externalReferers++;
  }
  for (const s of [...hits.map((h) => h.request), ...extra]) {
    if (s.includes('[redacted]')) note.redacted++;
    if (s.length > SHOWN_CHARS) note.shortened++;
  }
  return note;
}

/** The evidence rows a page shows for each signature (the table's count stays the full count). */
export function shownEvidence(signatures: readonly SignatureRow[]): EvidenceHit[][] {
  const n = rowsPerSignature(signatures.length);
  return signatures.map((s) => s.evidence.slice(0, n));
}
