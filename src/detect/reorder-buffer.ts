import type { Hit } from '../core/types.ts';

/**
 * Puts requests back in time order before detection. Servers log a request when it ends but stamp it
 * with its start, and rotated files are not always read oldest first, so a log is only roughly
 * sorted. A request is held until the newest time read is `slackMs` past it; then every request still
 * to come is later (as long as none is more than `slackMs` late), and requests leave in (time, id)
 * order. One arriving later than that leaves at once, out of order (see stream-detector.ts).
 *
 * Held requests are grouped by second, so a push is an array append and the order is restored one
 * second at a time.
 */
export class ReorderBuffer {
  #frontier: number;
  /** Every second up to this one has been released. */
  #released = -Infinity;
  readonly #buckets = new Map<number, Hit[]>();
  /** Held seconds, a min-heap. */
  readonly #heap: number[] = [];
  #lastSec = NaN;
  #lastBucket: Hit[] | null = null;
  #held = 0;

  constructor(private readonly slackMs: number, private readonly release: (hit: Hit) => void, frontier = -Infinity) {
    this.#frontier = frontier;
  }

  get frontier(): number {
    return this.#frontier;
  }

  get held(): number {
    return this.#held;
  }

  push(hit: Hit): void {
    const sec = Math.floor(hit.ts / 1000);
    if (sec <= this.#released) {
      this.release(hit);
      return;
    }
    if (sec === this.#lastSec) {
      this.#lastBucket!.push(hit);
    } else {
      let b = this.#buckets.get(sec);
      if (!b) {
        b = [];
        this.#buckets.set(sec, b);
        heapPush(this.#heap, sec);
      }
      b.push(hit);
      this.#lastSec = sec;
      this.#lastBucket = b;
    }
    this.#held++;
    if (hit.ts > this.#frontier) {
      this.#frontier = hit.ts;
      this.#releaseUpTo(Math.floor((this.#frontier - this.slackMs + 1) / 1000) - 1);
    }
  }

  /** Releases every held request, in order (the end of the input). */
  drain(): void {
    this.#releaseUpTo(Infinity);
  }

  /** The held requests in (time, id) order, without releasing them. */
  heldInOrder(): Hit[] {
    const out: Hit[] = [];
    for (const sec of [...this.#heap].sort((a, b) => a - b)) out.push(...sorted(this.#buckets.get(sec)!));
    return out;
  }

  /** Releases every second whose every millisecond is at most frontier - slack. */
  #releaseUpTo(lastSec: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]! <= lastSec) {
      const sec = heapPop(heap);
      const b = this.#buckets.get(sec)!;
      this.#buckets.delete(sec);
      if (sec === this.#lastSec) { this.#lastSec = NaN; this.#lastBucket = null; }
      this.#held -= b.length;
      this.#released = sec;
      for (const h of sorted(b)) this.release(h);
    }
    if (lastSec !== Infinity && lastSec > this.#released) this.#released = lastSec;
  }
}

/** A bucket holds one second in arrival (id) order; a stable sort by time gives (time, id) order. */
function sorted(b: Hit[]): Hit[] {
  for (let i = 1; i < b.length; i++) if (b[i]!.ts < b[i - 1]!.ts) return b.sort((x, y) => x.ts - y.ts);
  return b;
}

function heapPush(h: number[], v: number): void {
  let i = h.length;
  h.push(v);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]! <= v) break;
    h[i] = h[p]!;
    i = p;
  }
  h[i] = v;
}

function heapPop(h: number[]): number {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
  return top;
}
