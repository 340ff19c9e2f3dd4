import type { AggregateSpec } from './rule-schema.ts';
import { addDistinct, EvidenceList } from './evidence-list.ts';
import { GroupState, passes, readHashes, writeHashes, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import { readList, writeList } from './plain-state.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/** ratio: C = M without ignored paths, E = the requests of C answered with one of the statuses. */
export class RatioState extends GroupState {
  counted = 0;
  ev = new EvidenceList();
  paths: number[] | null;
  uas: number[] | null;
  readonly #ignoreBit: number;

  constructor(g: StateGroup, ignoreSlot: number) {
    super(g);
    this.#ignoreBit = ignoreSlot < 0 ? 0 : 1 << ignoreSlot;
    this.paths = g.maxPaths > 0 ? [] : null;
    this.uas = g.maxUas > 0 ? [] : null;
  }

  add(s: Seen): void {
    if (s.hit.ts > this.lastMTs) this.lastMTs = s.hit.ts;
    if ((s.t.ignore & this.#ignoreBit) !== 0) return;
    this.counted++;
    if (!this.g.ratio!.status.has(s.hit.status)) return;
    if (this.ev.add(s.hit.ts, s.hit.id)) s.sink.keep(s.hit);
    if (this.paths) addDistinct(this.paths, s.t.pathHash, this.g.maxPaths);
    if (this.uas) addDistinct(this.uas, s.u.matchHash, this.g.maxUas);
  }

  evidence(agg: AggregateSpec): Evidence | null {
    const r = agg.ratio!;
    if (this.counted < r.minRequests) return null;
    if (this.ev.count / this.counted < r.min) return null;
    return passes(agg, this.ev.count, this.paths, this.uas) ? this.ev : null;
  }

  encode(w: StateWriter, c: EncodeContext): void {
    w.time(this.lastMTs, c.base);
    w.uint(this.counted);
    writeList(w, this.ev, c);
    writeHashes(w, this.paths);
    writeHashes(w, this.uas);
  }

  decode(r: StateReader, base: number): void {
    this.lastMTs = r.time(base);
    this.counted = r.uint();
    readList(r, this.ev, base);
    readHashes(r, this.paths);
    readHashes(r, this.uas);
  }
}
