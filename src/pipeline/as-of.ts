import { PilloryError } from '../core/errors.ts';

/**
 * The instant scoring treats as "now". `newest` follows the newest request in the snapshot, so a
 * replay of old logs (the bundled 2015 demo) does not age out the moment it is read.
 */
export function resolveAsOf(spec: string, newestHitTs: number | null, now: number): number {
  if (spec === 'now') return now;
  if (spec === 'newest') return newestHitTs ?? now;
  const t = Date.parse(spec);
  if (!/^\d{4}-\d{2}-\d{2}/.test(spec) || Number.isNaN(t)) {
    throw new PilloryError('BAD_AS_OF', `--as-of must be "now", "newest" or an ISO date such as 2026-12-03T00:00:00Z; got "${spec}"`);
  }
  return t;
}
