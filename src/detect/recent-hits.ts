import type { Hit } from '../core/types.ts';

/**
 * The requests settled in the last `retainMs` of log time, by settle number. Burst windows and
 * redirect→404 pairs keep only (time, id, number) per request; when one of them fires, the requests it
 * cites are fetched from here, so the content of every request is held only for a few minutes.
 */
export class RecentHits {
  #buf: (Hit | undefined)[] = new Array(1024);
  #mask = 1023;
  #head = 0; // settle number of the oldest entry held
  #next = 0;
  constructor(private readonly retainMs: number) {}

  /** Keeps `hit`; returns its settle number. `nowTs` is the newest settled time. */
  push(hit: Hit, nowTs: number): number {
    const limit = nowTs - this.retainMs;
    while (this.#head < this.#next && this.#buf[this.#head & this.#mask]!.ts < limit) {
      this.#buf[this.#head & this.#mask] = undefined;
      this.#head++;
    }
    if (this.#next - this.#head > this.#mask) this.#grow();
    const seq = this.#next++;
    this.#buf[seq & this.#mask] = hit;
    return seq;
  }

  get(seq: number): Hit | undefined {
    return seq >= this.#head && seq < this.#next ? this.#buf[seq & this.#mask] : undefined;
  }

  get size(): number {
    return this.#next - this.#head;
  }

  #grow(): void {
    const old = this.#buf;
    const oldMask = this.#mask;
    this.#buf = new Array((oldMask + 1) * 2);
    this.#mask = (oldMask + 1) * 2 - 1;
    for (let s = this.#head; s < this.#next; s++) this.#buf[s & this.#mask] = old[s & oldMask];
  }
}
