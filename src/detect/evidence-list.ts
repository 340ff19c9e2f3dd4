import { MAX_EVIDENCE_IDS } from './detect-actor.ts';

/**
 * The evidence set E of a rule as streaming sees it: how many requests, the first and last time, and
 * the first MAX_EVIDENCE_IDS of them in time order (ts, then id) — what detectActor cites. Requests
 * normally arrive in that order and are appended; one that arrives late is inserted in its place.
 */
export class EvidenceList {
  count = 0;
  firstTs = Infinity;
  lastTs = -Infinity;
  ts: number[] = [];
  ids: number[] = [];

  /** Counts the request; true when it is now among the cited ones (the caller keeps its content). */
  add(ts: number, id: number): boolean {
    this.count++;
    if (ts < this.firstTs) this.firstTs = ts;
    if (ts > this.lastTs) this.lastTs = ts;
    const n = this.ids.length;
    if (n === 0 || ts > this.ts[n - 1]! || (ts === this.ts[n - 1]! && id > this.ids[n - 1]!)) {
      if (n >= MAX_EVIDENCE_IDS) return false;
      this.ts.push(ts);
      this.ids.push(id);
      return true;
    }
    let i = n - 1;
    while (i > 0 && (this.ts[i - 1]! > ts || (this.ts[i - 1] === ts && this.ids[i - 1]! > id))) i--;
    this.ts.splice(i, 0, ts);
    this.ids.splice(i, 0, id);
    if (this.ids.length > MAX_EVIDENCE_IDS) {
      this.ts.pop();
      this.ids.pop();
    }
    return true;
  }
}

/** Adds `h` to a bounded set of hashes (a distinct-count that only needs to reach `cap`). */
export function addDistinct(set: number[], h: number, cap: number): void {
  if (set.length < cap && !set.includes(h)) set.push(h);
}
