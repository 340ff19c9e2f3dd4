// What each skip reason of the ingest accounting means, for the methodology page. The ids come from
// the parsers (src/ingest/), the reader (oversized) and the ingest stage (non-public-client,
// outside-window); an id not listed here is shown as it is, never dropped.
import type { ReadingTotals } from '../lib/snapshot-types.ts';

const MEANINGS: Record<string, string> = {
  blank: 'empty line',
  malformed: 'not in the log layout this site reads',
  'bad-address': 'no valid client address where the layout has one (for example an error-log line)',
  'bad-time': 'no valid time',
  'bad-status': 'no valid status code',
  'bad-bytes': 'no valid response size',
  oversized: 'longer than the line limit; skipped without being kept in memory',
  'non-public-client': 'from a private, loopback or reserved address, which is never scored',
  'outside-window': 'older than the scoring window',
};

export interface SkipRow {
  reason: string;
  lines: number;
  meaning: string;
}

/** Skip reasons with their counts, most lines first (ties by id), and their meaning. */
export function skipRows(totals: ReadingTotals): SkipRow[] {
  return Object.entries(totals.skipped)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, lines]) => ({ reason, lines, meaning: Object.hasOwn(MEANINGS, reason) ? MEANINGS[reason]! : 'other' }));
}
