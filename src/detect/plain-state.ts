import type { AggregateSpec } from './rule-schema.ts';
import { ListState, type Cite, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/** E = M: every matching request is evidence (min_count and the distinct thresholds decide). */
export class PlainState extends ListState {
  override add(s: Seen): void {
    const h = s.hit;
    if (h.ts > this.lastMTs) this.lastMTs = h.ts;
    this.addEvidence(h.ts, h.id, s.loc, s.t.pathHash, s.u.matchHash, s.t.queryHash);
  }

  evidence(agg: AggregateSpec): Evidence | null {
    return this.listEvidence(agg);
  }

  cites(out: Cite): void {
    this.listCites(out);
  }

  encode(w: StateWriter, c: EncodeContext): void {
    this.writeList(w, c);
  }

  decode(r: StateReader, base: number): void {
    this.readList(r, base);
    this.lastMTs = this.lastTs;
  }
}
