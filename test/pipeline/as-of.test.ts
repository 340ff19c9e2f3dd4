import { describe, expect, it } from 'vitest';
import { resolveAsOf } from '../../src/pipeline/as-of.ts';

describe('resolveAsOf', () => {
  const now = Date.UTC(2026, 11, 3);
  it('now', () => expect(resolveAsOf('now', 5, now)).toBe(now));
  it('newest follows the newest request', () => expect(resolveAsOf('newest', Date.UTC(2015, 9, 1), now)).toBe(Date.UTC(2015, 9, 1)));
  it('newest with no requests falls back to now', () => expect(resolveAsOf('newest', null, now)).toBe(now));
  it('ISO time', () => expect(resolveAsOf('2015-05-20T00:00:00Z', null, now)).toBe(Date.UTC(2015, 4, 20)));
  it.each(['yesterday', '20150520', '2015-13-45'])('refuses %j with a sentence naming it', (bad) => {
    expect(() => resolveAsOf(bad, null, now)).toThrow(`got "${bad}"`);
  });
});
