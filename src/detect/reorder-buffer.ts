// Puts the events of order-sensitive states (burst windows, redirect→404 pairs) back in time order.
// Servers log a request when it ends but stamp it with its start, and rotated files are not always
// read oldest first, so a log is only roughly sorted. An event is held until the newest time read is
// `slackMs` past it; then every event still to come is later (as long as no request is more than
// `slackMs` late), and events leave in (time, id) order. One arriving later than that leaves at once,
// out of order, and the state skips it (stream-detector.ts counts them).
//
// Events are fixed-size runs of numbers (EVENT_SIZE), grouped by second: a push is an array append,
// nothing is allocated per event, and the collector never has to trace them.

/** [actor, group, ts, id, loc, pathHash, uaHash, status, queryHash] */
export const EVENT_SIZE = 9;
export const EV_ACTOR = 0;
export const EV_GROUP = 1;
export const EV_TS = 2;
export const EV_ID = 3;
export const EV_LOC = 4;
export const EV_PATH = 5;
export const EV_UA = 6;
export const EV_STATUS = 7;
export const EV_QUERY = 8;

export type EventSink = (e: readonly number[], at: number) => void;

export class ReorderBuffer {
  #frontier: number;
  /** Every second up to this one has been released. */
  #released = -Infinity;
  readonly #buckets = new Map<number, number[]>();
  /** Held seconds, a min-heap. */
  readonly #heap: number[] = [];
  #lastSec = NaN;
  #lastBucket: number[] | null = null;
  #held = 0;
  readonly #one: number[] = new Array<number>(EVENT_SIZE).fill(0);

  constructor(private readonly slackMs: number, private readonly release: EventSink, frontier = -Infinity) {
    this.#frontier = frontier;
  }

  get frontier(): number {
    return this.#frontier;
  }

  get held(): number {
    return this.#held;
  }

  /** The newest time read moved on (every request calls this, whether it made an event or not). */
  advance(ts: number): void {
    if (ts > this.#frontier) {
      this.#frontier = ts;
      this.#releaseUpTo(Math.floor((ts - this.slackMs + 1) / 1000) - 1);
    }
  }

  push(actor: number, group: number, ts: number, id: number, loc: number, pathHash: number, uaHash: number, status: number, queryHash: number): void {
    const sec = Math.floor(ts / 1000);
    if (sec <= this.#released) {
      const e = this.#one;
      e[0] = actor; e[1] = group; e[2] = ts; e[3] = id; e[4] = loc; e[5] = pathHash; e[6] = uaHash; e[7] = status; e[8] = queryHash;
      this.release(e, 0);
      return;
    }
    let b = this.#lastBucket;
    if (sec !== this.#lastSec || b === null) {
      b = this.#buckets.get(sec) ?? null;
      if (b === null) {
        b = [];
        this.#buckets.set(sec, b);
        heapPush(this.#heap, sec);
      }
      this.#lastSec = sec;
      this.#lastBucket = b;
    }
    b.push(actor, group, ts, id, loc, pathHash, uaHash, status, queryHash);
    this.#held++;
  }

  /** Releases every held event, in order (the end of the input). */
  drain(): void {
    this.#releaseUpTo(Infinity);
  }

  /** Calls `f` on every held event, in (time, id) order, without releasing them. */
  forEachHeld(f: EventSink): void {
    for (const sec of [...this.#heap].sort((a, b) => a - b)) {
      const b = this.#buckets.get(sec)!;
      for (const at of order(b)) f(b, at);
    }
  }

  #releaseUpTo(lastSec: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]! <= lastSec) {
      const sec = heapPop(heap);
      const b = this.#buckets.get(sec)!;
      this.#buckets.delete(sec);
      if (sec === this.#lastSec) { this.#lastSec = NaN; this.#lastBucket = null; }
      this.#held -= b.length / EVENT_SIZE;
      this.#released = sec;
      for (const at of order(b)) this.release(b, at);
    }
    if (lastSec !== Infinity && lastSec > this.#released) this.#released = lastSec;
  }
}

/** Offsets of a bucket's events in (time, id) order. */
function order(b: readonly number[]): number[] {
  const n = b.length / EVENT_SIZE;
  const at: number[] = new Array<number>(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    at[i] = i * EVENT_SIZE;
    if (i > 0 && before(b, at[i]!, at[i - 1]!)) sorted = false;
  }
  return sorted ? at : at.sort((x, y) => (before(b, x, y) ? -1 : before(b, y, x) ? 1 : 0));
}

function before(b: readonly number[], x: number, y: number): boolean {
  const tx = b[x + EV_TS]!;
  const ty = b[y + EV_TS]!;
  return tx < ty || (tx === ty && b[x + EV_ID]! < b[y + EV_ID]!);
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
