// What the header says about a report's standing: until when it is listed (or since when it has
// expired), and whether the address is in the blocklists. Facts only: the dates come from the
// pipeline's own decay arithmetic and page state.
import type { ActorReport } from '../lib/snapshot-types.ts';
import { day } from './format.ts';

export interface ListingText {
  until: string;
  blocklists: string;
  /** Expired pages only: the sentence at the top of the page. */
  banner: string;
}

const DAY_MS = 86_400_000;

export function listingText(
  r: Pick<ActorReport, 'status' | 'expiredAt' | 'inBlocklist' | 'scanner' | 'lastSeen'>,
  agesOut: number | null,
  threshold: number,
  graceDays: number | null,
): ListingText {
  if (r.status === 'expired') {
    const since = r.expiredAt ?? agesOut;
    const gone = since !== null && graceDays !== null ? ` and this page is removed after ${day(since + graceDays * DAY_MS)}` : ' and this page is removed after a grace period';
    return {
      until: since !== null ? `since ${day(since)} (score below ${threshold})` : `score below ${threshold}`,
      blocklists: 'no longer in the blocklists',
      banner: `No activity since ${day(r.lastSeen)}. The score fell below the publication threshold of ${threshold}${since !== null ? ` on ${day(since)}` : ''}: the address is no longer listed${gone}. It is kept so that links to it still explain what happened; search engines are asked not to index it.`,
    };
  }
  return {
    until: agesOut !== null
      ? `${day(agesOut)}, when the score falls below ${threshold}, unless it offends again`
      : 'no end date: scores do not age on this site, so the entry stays until it is reviewed',
    blocklists: r.inBlocklist ? 'in the blocklists' : `not in the blocklists${r.scanner ? ` (research scanner ${r.scanner})` : ''}`,
    banner: '',
  };
}
