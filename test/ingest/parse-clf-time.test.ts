import { describe, expect, it } from 'vitest';
import { parseClfTime } from '../../src/ingest/parse-clf-time.ts';

describe('parseClfTime', () => {
  it.each([
    ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['11/Oct/2000:02:40:36 +0545', '2000-10-10T20:55:36.000Z'],
    ['01/Jan/1970:00:00:00 +0000', '1970-01-01T00:00:00.000Z'],
    ['31/Dec/1969:23:59:59 +0000', '1969-12-31T23:59:59.000Z'],
    ['29/Feb/2024:12:00:00 +0000', '2024-02-29T12:00:00.000Z'],
    ['29/Feb/2000:00:00:00 +0000', '2000-02-29T00:00:00.000Z'],
    ['01/Mar/2026:00:30:00 +0100', '2026-02-28T23:30:00.000Z'],
    ['31/Dec/2026:23:59:59 -1200', '2027-01-01T11:59:59.000Z'],
    ['25/Oct/2015:04:11:25 +0100', '2015-10-25T03:11:25.000Z'],
    ['30/Jun/2015:23:59:60 +0000', '2015-07-01T00:00:00.000Z'],
  ])('%s → %s', (s, iso) => {
    expect(new Date(parseClfTime(s)!).toISOString()).toBe(iso);
  });

  it('agrees with Date.UTC on every day of a leap and a common year', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    for (const year of [2023, 2024]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        const d = new Date(t);
        const s = `${String(d.getUTCDate()).padStart(2, '0')}/${months[d.getUTCMonth()]}/${year}:07:08:09 +0000`;
        expect(parseClfTime(s)).toBe(t + ((7 * 60 + 8) * 60 + 9) * 1000);
      }
    }
  });

  it.each([
    '29/Feb/2023:00:00:00 +0000', '29/Feb/1900:00:00:00 +0000', '00/Jan/2020:00:00:00 +0000', '32/Jan/2020:00:00:00 +0000',
    '10/oct/2000:13:55:36 -0700', '10/Oct/2000:13:60:36 -0700', '10/Oct/2000:13:55:61 -0700', '10/Oct/2000:13:55:36 *0700',
    '10/Oct/2000:13:55:36 -0760', '10/Oct/2000 13:55:36 -0700', '1/Oct/2000:13:55:36 -0700 ', '10/Oct/2000:13:55:36',
    '1x/Oct/2000:13:55:36 -0700', '',
  ])('rejects %j', (s) => {
    expect(parseClfTime(s)).toBeNull();
  });

  it('gives the same answers when consecutive times share the minute (the fast path)', () => {
    const seq: [string, string | null][] = [
      ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
      ['10/Oct/2000:13:55:37 -0700', '2000-10-10T20:55:37.000Z'],
      ['10/Oct/2000:13:55:9x -0700', null],
      ['10/Oct/2000:13:55:61 -0700', null],
      ['10/Oct/2000:13:55:00 -0700', '2000-10-10T20:55:00.000Z'],
      ['10/Oct/2000:13:55:00 +0000', '2000-10-10T13:55:00.000Z'],
      ['10/Oct/2000:13:56:00 +0000', '2000-10-10T13:56:00.000Z'],
      ['10/Oct/2000:13:55:59 -0700', '2000-10-10T20:55:59.000Z'],
    ];
    expect(seq.map(([s]) => { const t = parseClfTime(s); return t === null ? null : new Date(t).toISOString(); }))
      .toEqual(seq.map(([, iso]) => iso));
  });
});
