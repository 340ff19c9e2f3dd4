import type { AggregateSpec } from './rule-schema.ts';
import { addDistinct, EvidenceList } from './evidence-list.ts';
import { GroupState, passes, readHashes, writeHashes, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import { readList, writeList } from './plain-state.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';
import { hash53 } from './string-hash.ts';

/** The latest redirect seen on one normal path. */
interface Remembered { path: string; ts: number; id: number; seq: number; pathHash: number; uaHash: number; inE: boolean }

/**
 * redirect_then_404: for each normal path the latest redirected request is remembered; a 404 on the
 * same path at most withinSeconds later puts both requests into E (each request once, E in time
 * order). Only redirects young enough to pair are remembered.
 */
export class RedirectState extends GroupState {
  seen: Remembered[] = [];
  ev = new EvidenceList();
  paths: number[] | null;
  uas: number[] | null;

  constructor(g: StateGroup) {
    super(g);
    this.paths = g.maxPaths > 0 ? [] : null;
    this.uas = g.maxUas > 0 ? [] : null;
  }

  add(s: Seen, late: boolean): void {
    const h = s.hit;
    if (late) return; // pairs need their requests in order; see the README on reorderSeconds
    this.lastMTs = h.ts;
    const spec = this.g.redirect!;
    if (spec.redirect.has(h.status)) {
      // newest last: the list stays in time order whatever was pruned when
      const i = this.seen.findIndex((x) => x.path === s.t.normalPath);
      if (i >= 0) this.seen.splice(i, 1);
      else if (this.seen.length >= 8) this.seen = this.seen.filter((x) => h.ts - x.ts <= spec.withinMs);
      this.seen.push({ path: s.t.normalPath, ts: h.ts, id: h.id, seq: s.seq, pathHash: s.t.pathHash, uaHash: s.u.matchHash, inE: false });
    } else if (h.status === 404) {
      const r = this.#find(s.t.normalPath);
      if (!r || h.ts - r.ts > spec.withinMs) return;
      if (!r.inE) {
        r.inE = true;
        if (this.ev.add(r.ts, r.id)) s.sink.keepSeq(r.seq, r.id);
        this.#distinct(r.pathHash, r.uaHash);
      }
      if (this.ev.add(h.ts, h.id)) s.sink.keep(h);
      this.#distinct(s.t.pathHash, s.u.matchHash);
    }
  }

  #find(path: string): Remembered | undefined {
    for (const r of this.seen) if (r.path === path) return r;
    return undefined;
  }

  #distinct(pathHash: number, uaHash: number): void {
    if (this.paths) addDistinct(this.paths, pathHash, this.g.maxPaths);
    if (this.uas) addDistinct(this.uas, uaHash, this.g.maxUas);
  }

  evidence(agg: AggregateSpec): Evidence | null {
    return passes(agg, this.ev.count, this.paths, this.uas) ? this.ev : null;
  }

  encode(w: StateWriter, c: EncodeContext): void {
    w.time(this.lastMTs, c.base);
    writeList(w, this.ev, c);
    writeHashes(w, this.paths);
    writeHashes(w, this.uas);
    const from = c.horizon - this.g.redirect!.withinMs;
    const live = this.seen.filter((r) => r.ts >= from);
    w.uint(live.length);
    for (const r of live) {
      w.str(r.path);
      w.time(r.ts, c.base);
      w.uint(r.id);
      w.f64(r.uaHash);
      w.uint(r.inE ? 1 : 0);
      c.sink.keepSeq(r.seq, r.id);
      c.refs.push(r.id);
    }
  }

  decode(r: StateReader, base: number): void {
    this.lastMTs = r.time(base);
    readList(r, this.ev, base);
    readHashes(r, this.paths);
    readHashes(r, this.uas);
    const n = r.uint();
    for (let i = 0; i < n; i++) {
      const path = r.str();
      const ts = r.time(base);
      const id = r.uint();
      const uaHash = r.f64();
      const inE = r.uint() === 1;
      this.seen.push({ path, ts, id, seq: -1, pathHash: hash53(path), uaHash, inE });
    }
  }
}
