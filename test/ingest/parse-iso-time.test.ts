import { describe, expect, it } from 'vitest';
import { epochToMs, parseIsoTime } from '../../src/ingest/parse-iso-time.ts';

describe('parseIsoTime', () => {
  it.each([
    ['2026-12-02T23:59:59+00:00', '2026-12-02T23:59:59.000Z', 'nginx $time_iso8601'],
    ['2021-12-08T14:02:43.464763557Z', '2021-12-08T14:02:43.464Z', 'Traefik StartUTC, nanoseconds cut to ms'],
    ['2025-12-31T16:37:40.479Z', '2025-12-31T16:37:40.479Z', 'Envoy start_time'],
    ['2000-10-11T02:40:36+05:45', '2000-10-10T20:55:36.000Z', 'minute offset with colon (log-05)'],
    ['2000-10-11T02:40:36+0545', '2000-10-10T20:55:36.000Z', 'minute offset without colon (Apache %z)'],
    ['2000-10-10T13:55:36-07', '2000-10-10T20:55:36.000Z', 'hours-only offset'],
    ['2025-05-01 14:14:02.417736', '2025-05-01T14:14:02.417Z', 'space separator, no zone (taken as UTC)'],
    ['2024-02-29t12:00:00z', '2024-02-29T12:00:00.000Z', 'lower-case t and z'],
    ['2026-12-03T10:00:00,5+00:00', '2026-12-03T10:00:00.500Z', 'comma as decimal mark'],
  ])('%s → %s (%s)', (s, iso) => {
    expect(new Date(parseIsoTime(s)!).toISOString()).toBe(iso);
  });

  it.each([
    '2026-12-03', '2026-13-03T10:00:00Z', '2026-12-03T24:00:00Z', '2026-12-03T10:60:00Z', '2026-12-03X10:00:00Z',
    '2026-12-03T10:00:00.Z', '2026-12-03T10:00:00+1', '2026-12-03T10:00:00+24:00', '2026-12-03T10:00:00Zjunk',
    '2026/12/03T10:00:00Z', `2026-12-03T10:00:00.${'1'.repeat(30)}Z`,
  ])('refuses %j', (s) => {
    expect(parseIsoTime(s)).toBeNull();
  });
});

describe('epochToMs', () => {
  const T = Date.UTC(2026, 11, 3, 10);
  it.each([
    [T / 1000, T, 'seconds (Apache %{sec}t)'],
    [T / 1000 + 0.25, T + 250, 'seconds with a fraction (Caddy ts, nginx $msec)'],
    [T, T, 'milliseconds'],
    [T * 1000, T, 'microseconds'],
    [T * 1e6, T, 'nanoseconds'],
  ])('%d → %d (%s)', (n, ms) => {
    expect(epochToMs(n)).toBe(ms);
  });

  it.each([0, -1, NaN, Infinity])('refuses %d', (n) => {
    expect(epochToMs(n)).toBeNull();
  });
});
