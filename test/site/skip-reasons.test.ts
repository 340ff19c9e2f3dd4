import { describe, expect, it } from 'vitest';
import { skipRows } from '../../src/site/skip-reasons.ts';

describe('skipRows', () => {
  it('orders reasons by lines, then id, with their meaning; unknown ids are "other", zero counts left out', () => {
    expect(skipRows({ runs: 2, firstRunAt: 0, lastRunAt: 0, read: 40, parsed: 20, skipped: { oversized: 2, malformed: 9, 'bad-time': 2, 'new-reason': 7, blank: 0 } })).toEqual([
      { reason: 'malformed', lines: 9, meaning: 'not in the log layout this site reads' },
      { reason: 'new-reason', lines: 7, meaning: 'other' },
      { reason: 'bad-time', lines: 2, meaning: 'no valid time' },
      { reason: 'oversized', lines: 2, meaning: 'longer than the line limit; skipped without being kept in memory' },
    ]);
  });

  it.each(['blank', 'malformed', 'bad-address', 'bad-time', 'bad-status', 'bad-bytes', 'oversized', 'non-public-client', 'outside-window'])('explains %s', (reason) => {
    expect(skipRows({ runs: 1, firstRunAt: 0, lastRunAt: 0, read: 1, parsed: 0, skipped: { [reason]: 1 } })[0]!.meaning).not.toBe('other');
  });
});
