import { describe, expect, it } from 'vitest';
import { barChart, heatStrip, publishedPerDay } from '../../src/site/charts.ts';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 1);

describe('barChart', () => {
  it('frames a one-day burst in two weeks: one bar at the right end, full height', () => {
    const c = barChart([{ day: D0, n: 7 }], D0 + 3600_000, D0 + 7200_000);
    expect(c.bars).toHaveLength(14);
    expect(c.bars.filter((b) => b.n > 0).map((b) => [b.start, b.n, b.h])).toEqual([[D0, 7, 100]]);
    expect(c.bars.at(-1)!.start).toBe(D0);
    expect(c.busiest!.n).toBe(7);
  });

  it('fills gaps with zero and scales to the busiest day', () => {
    const c = barChart([{ day: D0, n: 2 }, { day: D0 + 20 * DAY, n: 4 }], D0, D0 + 20 * DAY);
    expect(c.bars).toHaveLength(21);
    expect([c.bars[0]!.h, c.bars[10]!.h, c.bars[20]!.h]).toEqual([50, 0, 100]);
  });

  it('buckets by week beyond 92 days', () => {
    const c = barChart([{ day: D0, n: 1 }, { day: D0 + 6 * DAY, n: 2 }, { day: D0 + 7 * DAY, n: 5 }], D0, D0 + 199 * DAY);
    expect(c.bars[0]!.days).toBe(7);
    expect([c.bars[0]!.n, c.bars[1]!.n]).toEqual([3, 5]);
    expect(c.bars).toHaveLength(29);
  });
});

describe('heatStrip', () => {
  it('has 24 cells, the busiest at level 1 and empty hours at 0', () => {
    const hours = Array(24).fill(0);
    hours[4] = 10;
    hours[5] = 5;
    const cells = heatStrip(hours);
    expect(cells).toHaveLength(24);
    expect([cells[4]!.level, cells[5]!.level, cells[6]!.level]).toEqual([1, 0.57, 0]);
  });
});

describe('publishedPerDay', () => {
  it('counts first publications in the 30 days ending at asOf', () => {
    const asOf = D0 + 40 * DAY + 5000;
    const r = publishedPerDay([{ firstPublished: D0 }, { firstPublished: D0 + 40 * DAY }, { firstPublished: D0 + 40 * DAY + 99 }, { firstPublished: null }], asOf);
    expect(r.points).toEqual([{ day: D0 + 40 * DAY, n: 2 }]);
    expect(r.from).toBe(D0 + 11 * DAY);
  });
});
