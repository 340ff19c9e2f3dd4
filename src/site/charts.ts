// Geometry for the static SVG charts (no chart library, no script). Pure: counts in, shapes out.
const DAY = 86_400_000;

export interface Bar {
  start: number;
  /** Bucket length in days (1 or 7). */
  days: number;
  n: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface BarChart {
  bars: Bar[];
  max: number;
  width: number;
  height: number;
  busiest: Bar | null;
}

/**
 * Daily counts between `from` and `to` (inclusive, UTC days) as bars; gaps are zero. Longer spans are
 * bucketed by week so a chart never has more than `maxBars` bars.
 */
export function barChart(points: readonly { day: number; n: number }[], from: number, to: number, opts: { width?: number; height?: number; maxBars?: number } = {}): BarChart {
  const width = opts.width ?? 600;
  const height = opts.height ?? 100;
  const maxBars = opts.maxBars ?? 92;
  const minBars = 14;
  const last = Math.floor(to / DAY) * DAY;
  // a short burst still gets a two-week frame, so one day is one narrow bar, not the whole chart
  const first = Math.min(Math.floor(from / DAY) * DAY, last - (minBars - 1) * DAY);
  const span = Math.max(1, Math.round((last - first) / DAY) + 1);
  const days = span > maxBars ? 7 : 1;
  const buckets = Math.ceil(span / days);
  const counts = Array<number>(buckets).fill(0);
  for (const p of points) {
    const i = Math.floor((Math.floor(p.day / DAY) * DAY - first) / (days * DAY));
    if (i >= 0 && i < buckets) counts[i]! += p.n;
  }
  const max = Math.max(0, ...counts);
  const slot = width / buckets;
  const gap = slot > 4 ? 1 : 0;
  const bars = counts.map((n, i) => {
    const h = max === 0 ? 0 : Math.max(n > 0 ? 1 : 0, Math.round((n / max) * height));
    return { start: first + i * days * DAY, days, n, x: round(i * slot), y: height - h, w: round(Math.max(0.5, slot - gap)), h };
  });
  const busiest = max === 0 ? null : bars.find((b) => b.n === max)!;
  return { bars, max, width, height, busiest };
}

export interface HeatCell {
  hour: number;
  n: number;
  /** 0 (none) … 1 (busiest hour), for fill-opacity. */
  level: number;
}

export function heatStrip(hours: readonly number[]): HeatCell[] {
  const max = Math.max(0, ...hours);
  return Array.from({ length: 24 }, (_, hour) => {
    const n = hours[hour] ?? 0;
    return { hour, n, level: max === 0 || n === 0 ? 0 : round(0.15 + 0.85 * (n / max)) };
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Reports first published per UTC day over the `days` days ending at `asOf`. */
export function publishedPerDay(actors: readonly { firstPublished: number | null }[], asOf: number, days = 30): { from: number; to: number; points: { day: number; n: number }[] } {
  const to = Math.floor(asOf / DAY) * DAY;
  const from = to - (days - 1) * DAY;
  const counts = new Map<number, number>();
  for (const a of actors) {
    if (a.firstPublished === null) continue;
    const d = Math.floor(a.firstPublished / DAY) * DAY;
    if (d >= from && d <= to) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return { from, to, points: [...counts].map(([day, n]) => ({ day, n })).sort((a, b) => a.day - b.day) };
}
