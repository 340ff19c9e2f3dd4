import { MAX_EVIDENCE_IDS } from './detect-actor.ts';
import type { AggregateSpec } from './rule-schema.ts';
import { addDistinct } from './evidence-list.ts';
import { GroupState, passes, readHashes, writeHashes, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/**
 * burst: E = the largest run of consecutive requests of M less than windowSeconds apart, the earliest
 * of equally large ones. The requests of the current window are kept as (time, id, settle number)
 * (and path/user-agent hashes when a member counts distinct ones); the best window's evidence is
 * copied out only once it is large enough for some member to fire.
 */
export class BurstState extends GroupState {
  /** The current window: [ts, id, seq, pathHash, uaHash] per request, from index `head` on. */
  win: number[] = [];
  head = 0;
  best = 0;
  bestEv: (Evidence & { paths: number[] | null; uas: number[] | null }) | null = null;

  constructor(g: StateGroup) {
    super(g);
  }

  add(s: Seen, late: boolean): void {
    const ts = s.hit.ts;
    if (late) return; // a window needs its requests in order; see the README on reorderSeconds
    this.lastMTs = ts;
    const w = this.win;
    w.push(ts, s.hit.id, s.seq, s.t.pathHash, s.u.matchHash);
    const ms = this.g.burst!.windowMs;
    while (ts - w[this.head]! >= ms) this.head += 5;
    const size = (w.length - this.head) / 5;
    if (size > this.best) {
      this.best = size;
      if (size >= this.g.burst!.minCount) this.#takeBest(s, size);
    }
    if (this.head >= 160 && this.head * 2 >= w.length) {
      this.win = w.slice(this.head);
      this.head = 0;
    }
  }

  #takeBest(s: Seen, size: number): void {
    const w = this.win;
    const ids: number[] = [];
    for (let i = this.head; i < w.length && ids.length < MAX_EVIDENCE_IDS; i += 5) {
      ids.push(w[i + 1]!);
      s.sink.keepSeq(w[i + 2]!, w[i + 1]!);
    }
    const paths = this.g.maxPaths > 0 ? distinct(w, this.head, 3, this.g.maxPaths) : null;
    const uas = this.g.maxUas > 0 ? distinct(w, this.head, 4, this.g.maxUas) : null;
    this.bestEv = { count: size, firstTs: w[this.head]!, lastTs: s.hit.ts, ids, paths, uas };
  }

  evidence(agg: AggregateSpec): Evidence | null {
    const e = this.bestEv;
    if (!e || this.best < agg.burst!.count) return null;
    return passes(agg, e.count, e.paths, e.uas) ? e : null;
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
      for (const id of e.ids) { w.uint(id); c.refs.push(id); }
      writeHashes(w, e.paths);
      writeHashes(w, e.uas);
    }
    // only requests a later one (at or after the horizon) can still share a window with
    const from = c.horizon - this.g.burst!.windowMs;
    const win = this.win;
    let start = this.head;
    while (start < win.length && win[start]! <= from) start += 5;
    w.uint((win.length - start) / 5);
    for (let i = start; i < win.length; i += 5) {
      w.time(win[i]!, c.base);
      w.uint(win[i + 1]!);
      w.f64(win[i + 3]!);
      w.f64(win[i + 4]!);
      c.sink.keepSeq(win[i + 2]!, win[i + 1]!);
      c.refs.push(win[i + 1]!);
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
      for (let i = 0; i < n; i++) ids.push(r.uint());
      const paths: number[] | null = this.g.maxPaths > 0 ? [] : null;
      const uas: number[] | null = this.g.maxUas > 0 ? [] : null;
      readHashes(r, paths);
      readHashes(r, uas);
      this.bestEv = { count, firstTs, lastTs, ids, paths, uas };
    }
    const n = r.uint();
    for (let i = 0; i < n; i++) {
      const ts = r.time(base);
      const id = r.uint();
      this.win.push(ts, id, -1, r.f64(), r.f64());
    }
  }
}

function distinct(w: readonly number[], from: number, field: number, cap: number): number[] {
  const out: number[] = [];
  for (let i = from; i < w.length && out.length < cap; i += 5) addDistinct(out, w[i + field]!, cap);
  return out;
}
