import type { AggregateSpec } from './rule-schema.ts';
import { addDistinct, EvidenceList } from './evidence-list.ts';
import { GroupState, passes, readHashes, writeHashes, type EncodeContext, type Evidence, type Seen } from './group-state.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

/** E = M: every matching request is evidence (min_count and the distinct thresholds decide). */
export class PlainState extends GroupState {
  ev = new EvidenceList();
  paths: number[] | null;
  uas: number[] | null;

  constructor(g: StateGroup) {
    super(g);
    this.paths = g.maxPaths > 0 ? [] : null;
    this.uas = g.maxUas > 0 ? [] : null;
  }

  add(s: Seen): void {
    if (s.hit.ts > this.lastMTs) this.lastMTs = s.hit.ts;
    if (this.ev.add(s.hit.ts, s.hit.id)) s.sink.keep(s.hit);
    if (this.paths) addDistinct(this.paths, s.t.pathHash, this.g.maxPaths);
    if (this.uas) addDistinct(this.uas, s.u.matchHash, this.g.maxUas);
  }

  evidence(agg: AggregateSpec): Evidence | null {
    return passes(agg, this.ev.count, this.paths, this.uas) ? this.ev : null;
  }

  encode(w: StateWriter, c: EncodeContext): void {
    writeList(w, this.ev, c);
    writeHashes(w, this.paths);
    writeHashes(w, this.uas);
  }

  decode(r: StateReader, base: number): void {
    readList(r, this.ev, base);
    this.lastMTs = this.ev.lastTs;
    readHashes(r, this.paths);
    readHashes(r, this.uas);
  }
}

export function writeList(w: StateWriter, ev: EvidenceList, c: EncodeContext): void {
  w.uint(ev.count);
  w.time(ev.firstTs, c.base);
  w.time(ev.lastTs, c.base);
  w.uint(ev.ids.length);
  for (let i = 0; i < ev.ids.length; i++) {
    w.time(ev.ts[i]!, c.base);
    w.uint(ev.ids[i]!);
    c.refs.push(ev.ids[i]!);
  }
}

export function readList(r: StateReader, ev: EvidenceList, base: number): void {
  ev.count = r.uint();
  ev.firstTs = r.time(base);
  ev.lastTs = r.time(base);
  const n = r.uint();
  for (let i = 0; i < n; i++) {
    ev.ts.push(r.time(base));
    ev.ids.push(r.uint());
  }
}
