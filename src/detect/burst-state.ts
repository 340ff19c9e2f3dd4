import { MAX_EVIDENCE_IDS } from './detect-actor.ts';
import type { AggregateSpec } from './rule-schema.ts';
import { addDistinct, GroupState, passes, readHashes, writeHashes, type Cite, type EncodeContext, type Evidence } from './group-state.ts';
import { EV_ID, EV_LOC, EV_PATH, EV_QUERY, EV_TS, EV_UA } from './reorder-buffer.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

interface Best extends Evidence { ts: number[]; locs: number[]; paths: number[] | null; uas: number[] | null; queries: number[] | null }

/**
 * burst: E = the largest run of consecutive requests of M less than windowSeconds apart, the earliest
 * of equally large ones. The requests of the current window are kept as (time, id, loc), plus
 * path/user-agent hashes when a member counts distinct ones; the best window's evidence is copied out
 * only once it is large enough for some member to fire.
 */
export class BurstState extends GroupState {
  /** The current window from index `head` on: [ts, id, loc(, pathHash, uaHash, queryHash)] per request. */
  win: number[] | null = null;
  head = 0;
  best = 0;
  bestEv: Best | null = null;

  /** Numbers kept per request of the window. */
  get #stride(): number {
    return this.g.maxPaths > 0 || this.g.maxUas > 0 || this.g.maxQueries > 0 ? 6 : 3;
  }

  override addEvent(e: readonly number[], at: number, late: boolean): void {
    if (late) return; // a window needs its requests in order; see the README on reorderSeconds
    const ts = e[at + EV_TS]!;
    const id = e[at + EV_ID]!;
    const loc = e[at + EV_LOC]!;
    this.lastMTs = ts;
    const k = this.#stride;
    const ms = this.g.burst!.windowMs;
    let w = this.win;
    let head = this.head;
    if (w !== null) while (head < w.length && ts - w[head]! >= ms) head += k;
    if (w === null) {
      w = k === 3 ? [ts, id, loc] : [ts, id, loc, e[at + EV_PATH]!, e[at + EV_UA]!, e[at + EV_QUERY]!];
      head = 0;
    } else {
      if (head >= w.length) {
        w.length = 0; // the window emptied: reuse the array
        head = 0;
      } else if (head > 0 && head * 2 >= w.length) {
        w.copyWithin(0, head);
        w.length -= head;
        head = 0;
      }
      if (k === 3) w.push(ts, id, loc);
      else w.push(ts, id, loc, e[at + EV_PATH]!, e[at + EV_UA]!, e[at + EV_QUERY]!);
    }
    this.win = w;
    this.head = head;
    const size = (w.length - head) / k;
    if (size > this.best) {
      this.best = size;
      if (size >= this.g.burst!.minCount) this.#takeBest(size, ts);
    }
  }

  #takeBest(size: number, lastTs: number): void {
    const w = this.win!;
    const k = this.#stride;
    const ids: number[] = [];
    const ts: number[] = [];
    const locs: number[] = [];
    for (let i = this.head; i < w.length && ids.length < MAX_EVIDENCE_IDS; i += k) {
      ts.push(w[i]!);
      ids.push(w[i + 1]!);
      locs.push(w[i + 2]!);
    }
    const paths = this.g.maxPaths > 0 ? distinct(w, this.head, 3, this.g.maxPaths) : null;
    const uas = this.g.maxUas > 0 ? distinct(w, this.head, 4, this.g.maxUas) : null;
    const queries = this.g.maxQueries > 0 ? distinct(w, this.head, 5, this.g.maxQueries) : null;
    this.bestEv = { count: size, firstTs: w[this.head]!, lastTs, ids, ts, locs, paths, uas, queries };
  }

  evidence(agg: AggregateSpec): Evidence | null {
    const e = this.bestEv;
    if (!e || this.best < agg.burst!.count) return null;
    return passes(agg, e.count, e.paths, e.uas, e.queries) ? { count: e.count, firstTs: e.firstTs, lastTs: e.lastTs, ids: e.ids } : null;
  }

  #liveFrom(horizon: number): number {
    const from = horizon - this.g.burst!.windowMs;
    const win = this.win ?? [];
    let start = this.head;
    while (start < win.length && win[start]! <= from) start += this.#stride;
    return start;
  }

  cites(out: Cite, horizon: number): void {
    const e = this.bestEv;
    if (e) for (let i = 0; i < e.ids.length; i++) out(e.ids[i]!, e.ts[i]!, e.locs[i]!);
    const win = this.win ?? [];
    for (let i = this.#liveFrom(horizon); i < win.length; i += this.#stride) out(win[i + 1]!, win[i]!, win[i + 2]!);
  }

  encode(w: StateWriter, c: EncodeContext): void {
    w.time(this.lastMTs, c.base);
    w.uint(this.best);
    const e = this.bestEv;
    w.uint(e ? 1 : 0);
    if (e) {
      w.uint(e.count);
      w.time(e.firstTs, c.base);
      w.time(e.lastTs, c.base);
      w.uint(e.ids.length);
      for (let i = 0; i < e.ids.length; i++) { w.time(e.ts[i]!, c.base); w.uint(e.ids[i]!); }
      writeHashes(w, e.paths);
      writeHashes(w, e.uas);
      writeHashes(w, e.queries);
    }
    // only requests a later one (at or after the horizon) can still share a window with
    const win = this.win ?? [];
    const k = this.#stride;
    const start = this.#liveFrom(c.horizon);
    w.uint((win.length - start) / k);
    for (let i = start; i < win.length; i += k) {
      w.time(win[i]!, c.base);
      w.uint(win[i + 1]!);
      if (k === 6) { w.f64(win[i + 3]!); w.f64(win[i + 4]!); w.f64(win[i + 5]!); }
    }
  }

  decode(r: StateReader, base: number): void {
    this.lastMTs = r.time(base);
    this.best = r.uint();
    if (r.uint() === 1) {
      const count = r.uint();
      const firstTs = r.time(base);
      const lastTs = r.time(base);
      const n = r.uint();
      const ids: number[] = [];
      const ts: number[] = [];
      for (let i = 0; i < n; i++) { ts.push(r.time(base)); ids.push(r.uint()); }
      const paths = readHashes(r) ?? (this.g.maxPaths > 0 ? [] : null);
      const uas = readHashes(r) ?? (this.g.maxUas > 0 ? [] : null);
      const queries = readHashes(r) ?? (this.g.maxQueries > 0 ? [] : null);
      this.bestEv = { count, firstTs, lastTs, ids, ts, locs: ids.map(() => -1), paths, uas, queries };
    }
    const n = r.uint();
    if (n === 0) return;
    const win: number[] = [];
    for (let i = 0; i < n; i++) {
      const ts = r.time(base);
      const id = r.uint();
      if (this.#stride === 6) win.push(ts, id, -1, r.f64(), r.f64(), r.f64());
      else win.push(ts, id, -1);
    }
    this.win = win;
  }
}

function distinct(w: readonly number[], from: number, field: number, cap: number): number[] {
  let out: number[] | null = null;
  for (let i = from; i < w.length && (out?.length ?? 0) < cap; i += 6) out = addDistinct(out, w[i + field]!, cap);
  return out ?? [];
}
