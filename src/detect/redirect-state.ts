import type { AggregateSpec } from './rule-schema.ts';
import { ListState, type Cite, type EncodeContext, type Evidence } from './group-state.ts';
import { EV_ID, EV_LOC, EV_PATH, EV_QUERY, EV_STATUS, EV_TS, EV_UA } from './reorder-buffer.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/** The latest redirect seen on one normal path (known by its hash). */
interface Remembered { pathHash: number; ts: number; id: number; loc: number; uaHash: number; queryHash: number; inE: boolean }

/**
 * redirect_then_404: for each normal path the latest redirected request is remembered; a 404 on the
 * same path at most withinSeconds later puts both requests into E (each request once, E in time
 * order). Only redirects young enough to pair are remembered, newest last. Paths are compared by
 * their 53-bit hash.
 */
export class RedirectState extends ListState {
  seen: Remembered[] | null = null;

  override addEvent(e: readonly number[], at: number, late: boolean): void {
    if (late) return; // pairs need their requests in order; see the README on reorderSeconds
    const ts = e[at + EV_TS]!;
    const path = e[at + EV_PATH]!;
    const status = e[at + EV_STATUS]!;
    this.lastMTs = ts;
    const spec = this.g.redirect!;
    if (spec.redirect.has(status)) {
      let seen = this.seen ?? [];
      const i = seen.findIndex((x) => x.pathHash === path);
      if (i >= 0) seen.splice(i, 1);
      else if (seen.length >= 8) seen = seen.filter((x) => ts - x.ts <= spec.withinMs);
      seen.push({ pathHash: path, ts, id: e[at + EV_ID]!, loc: e[at + EV_LOC]!, uaHash: e[at + EV_UA]!, queryHash: e[at + EV_QUERY]!, inE: false });
      this.seen = seen;
    } else if (status === 404 && this.seen) {
      const r = this.seen.find((x) => x.pathHash === path);
      if (!r || ts - r.ts > spec.withinMs) return;
      if (!r.inE) {
        r.inE = true;
        this.addEvidence(r.ts, r.id, r.loc, r.pathHash, r.uaHash, r.queryHash);
      }
      this.addEvidence(ts, e[at + EV_ID]!, e[at + EV_LOC]!, path, e[at + EV_UA]!, e[at + EV_QUERY]!);
    }
  }

  evidence(agg: AggregateSpec): Evidence | null {
    return this.listEvidence(agg);
  }

  #live(horizon: number): Remembered[] {
    const from = horizon - this.g.redirect!.withinMs;
    return (this.seen ?? []).filter((r) => r.ts >= from);
  }

  cites(out: Cite, horizon: number): void {
    this.listCites(out);
    for (const r of this.#live(horizon)) out(r.id, r.ts, r.loc);
  }

  encode(w: StateWriter, c: EncodeContext): void {
    w.time(this.lastMTs, c.base);
    this.writeList(w, c);
    const live = this.#live(c.horizon);
    w.uint(live.length);
    for (const r of live) {
      w.f64(r.pathHash);
      w.time(r.ts, c.base);
      w.uint(r.id);
      w.f64(r.uaHash);
      w.f64(r.queryHash);
      w.uint(r.inE ? 1 : 0);
    }
  }

  decode(r: StateReader, base: number): void {
    this.lastMTs = r.time(base);
    this.readList(r, base);
    const n = r.uint();
    if (n > 0) this.seen = [];
    for (let i = 0; i < n; i++) {
      const pathHash = r.f64();
      const ts = r.time(base);
      const id = r.uint();
      const uaHash = r.f64();
      const queryHash = r.f64();
      const inE = r.uint() === 1;
      this.seen!.push({ pathHash, ts, id, loc: -1, uaHash, queryHash, inE });
    }
  }
}
