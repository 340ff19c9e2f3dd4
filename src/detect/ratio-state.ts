import type { AggregateSpec } from './rule-schema.ts';
import { ListState, type Cite, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/**
 * ratio: C = M without ignored paths, E = the requests of C answered with one of the statuses. With
 * `match`, |C| is counted here; without, M is every request of the actor, so |C| is the actor's
 * request count less the ignored ones and the state only exists once one is ignored or in E.
 */
export class RatioState extends ListState {
  counted = 0;
  ignored = 0;

  /** Whether a match-less ratio group must see this request (it is ignored or in E). */
  static concerns(g: StateGroup, status: number, ignore: number): boolean {
    return (ignore & g.ratio!.ignoreBit) !== 0 || g.ratio!.status.has(status);
  }

  override add(s: Seen): void {
    const h = s.hit;
    if (h.ts > this.lastMTs) this.lastMTs = h.ts;
    if ((s.t.ignore & this.g.ratio!.ignoreBit) !== 0) { this.ignored++; return; }
    this.counted++;
    if (this.g.ratio!.status.has(h.status)) this.addEvidence(h.ts, h.id, s.loc, s.t.pathHash, s.u.matchHash, s.t.queryHash);
  }

  evidence(agg: AggregateSpec, requests: number): Evidence | null {
    const r = agg.ratio!;
    const counted = this.g.tree ? this.counted : requests - this.ignored;
    if (counted < r.minRequests) return null;
    if (this.count / counted < r.min) return null;
    return this.listEvidence(agg);
  }

  cites(out: Cite): void {
    this.listCites(out);
  }

  encode(w: StateWriter, c: EncodeContext): void {
    w.time(this.lastMTs, c.base);
    w.uint(this.counted);
    w.uint(this.ignored);
    this.writeList(w, c);
  }

  decode(r: StateReader, base: number): void {
    this.lastMTs = r.time(base);
    this.counted = r.uint();
    this.ignored = r.uint();
    this.readList(r, base);
  }
}
