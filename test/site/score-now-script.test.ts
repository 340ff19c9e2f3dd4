// public/score-now.js runs in the browser; here it runs in a bare VM context and must give the same
// score as the pipeline's decayedScore() (plus corroboration) for every day after the last offence.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decayedScore, verdictOf } from '../../src/score/score.ts';

interface ScoreApi {
  today(raw: number, last: number, half: number, extra: number, now: number): { evidence: number; score: number };
  verdict(score: number): string;
  wire(doc: unknown, now: number): void;
}

const ctx: { PilloryScore?: ScoreApi } = {};
vm.runInNewContext(readFileSync(new URL('../../public/score-now.js', import.meta.url), 'utf8'), ctx);
const api = ctx.PilloryScore!;
const DAY = 86_400_000;
const LAST = Date.UTC(2026, 10, 20, 4, 55, 11);

describe('score-now.js', () => {
  it.each([[100, 30], [60, 30], [87, 14], [73, 1], [100, 0]])('raw %i, half-life %i: every day for 120 days agrees with decayedScore()', (raw, half) => {
    for (let d = 0; d <= 120; d++) {
      for (const offset of [0, 1, DAY - 1]) {
        const now = LAST + d * DAY + offset;
        expect(api.today(raw, LAST, half, 0, now).evidence, `day ${d}`).toBe(decayedScore(raw, LAST, now, half));
      }
    }
  });

  it('adds DNSBL points on top of the decayed evidence, never above 100', () => {
    expect(api.today(100, LAST, 30, 5, LAST).score).toBe(100);
    expect(api.today(100, LAST, 30, 5, LAST + 10 * DAY)).toEqual({ evidence: 79, score: 84 });
  });

  it.each([0, 1, 39, 40, 59, 60, 79, 80, 100])('verdict(%i) is the verdict band of the pipeline', (s) => {
    expect(api.verdict(s)).toBe(verdictOf(s));
  });

  it('writes today\'s value into each marked element as text, and says when it is below the threshold', () => {
    const el = {
      hidden: true, textContent: '',
      attrs: { raw: '100', last: String(LAST), half: '30', extra: '0', threshold: '60' } as Record<string, string>,
      getAttribute(n: string) { return this.attrs[n.slice(5)] ?? null; },
    };
    api.wire({ querySelectorAll: () => [el] }, LAST + 10 * DAY);
    expect(el).toMatchObject({ hidden: false, textContent: ' Today (2026-11-30): 79/100, high.' });
    api.wire({ querySelectorAll: () => [el] }, LAST + 23 * DAY);
    expect(el.textContent).toBe(' Today (2026-12-13): 58/100, elevated; below 60, so the next nightly run takes it off the blocklists.');
  });
});
