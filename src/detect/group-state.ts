import type { Hit } from '../core/types.ts';
import { MAX_EVIDENCE_IDS } from './detect-actor.ts';
import type { AggregateSpec } from './rule-schema.ts';
import type { TargetClass, UaClass } from './request-classes.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';
import { appended, inserted } from './small-arrays.ts';

// What every kind of streaming state (plain, ratio, burst, redirect→404) shares. A state covers one
// *episode* of its group: the matching requests since the last gap of more than the window between
// two of them (see data/rules/README.md, "Streaming and the window"). Groups without `match` see every
// request of the actor, so their episode is the actor's and their state is created only when a
// request can change it (a 404 for a ratio, a redirect for redirect→404).
//
// A state remembers requests by (time, id, loc): `loc` says where this run read the request (file and
// byte offset, see stream-detector.ts), so the few that end up cited can be read again for storage
// without their content being held in memory; -1 for a request read by an earlier run.

/** E of a rule as detectActor reports it: size, first and last time, the first cited ids. */
export interface Evidence { count: number; firstTs: number; lastTs: number; ids: readonly number[] }

/** One request as a state sees it. */
export interface Seen {
  hit: Hit;
  loc: number;
  t: TargetClass;
  u: UaClass;
}

/** A request a state may cite: its id, time and where it was read (-1: an earlier run). */
export type Cite = (id: number, ts: number, loc: number) => void;

/** How a state is written: times relative to `base`; entries only a request before `horizon` could still need are dropped. */
export interface EncodeContext {
  base: number;
  /** No request still to come is older than this. */
  horizon: number;
}

export abstract class GroupState {
  /** Time of the newest request of M (the group's matching requests). */
  lastMTs = -Infinity;
  constructor(readonly g: StateGroup) {}
  /**
   * Order-insensitive states (plain, ratio) take each request as it is read; order-sensitive ones
   * (burst, redirect→404) take events from the reorder buffer in time order (see reorder-buffer.ts),
   * `late` when an earlier event of the group is newer (the reorder slack was exceeded).
   */
  add(_s: Seen): void {
    throw new Error(`${this.g.kind} state takes events`);
  }
  addEvent(_e: readonly number[], _at: number, _late: boolean): void {
    throw new Error(`${this.g.kind} state takes requests`);
  }
  /** E for one member rule, or null when it does not fire. `requests`: all requests of the actor's episode. */
  abstract evidence(agg: AggregateSpec, requests: number): Evidence | null;
  /** Every request the state may cite (now or later), within the horizon. */
  abstract cites(out: Cite, horizon: number): void;
  abstract encode(w: StateWriter, c: EncodeContext): void;
  abstract decode(r: StateReader, base: number): void;
}

/**
 * A state whose E is a list of requests (plain, ratio, redirect→404): how many, first and last time,
 * the first MAX_EVIDENCE_IDS in time order (ts, then id), and the distinct normal paths and user
 * agents among them up to the highest threshold of the group. Requests normally arrive in order and
 * are appended; one that arrives late is inserted in its place.
 */
export abstract class ListState extends GroupState {
  count = 0;
  firstTs = Infinity;
  lastTs = -Infinity;
  /** [ts, id, loc] per cited request. */
  list: number[] | null = null;
  paths: number[] | null = null;
  uas: number[] | null = null;
  queries: number[] | null = null;

  addEvidence(ts: number, id: number, loc: number, pathHash: number, uaHash: number, queryHash: number): void {
    this.count++;
    if (ts < this.firstTs) this.firstTs = ts;
    if (ts > this.lastTs) this.lastTs = ts;
    const g = this.g;
    if (g.maxPaths > 0) this.paths = addDistinct(this.paths, pathHash, g.maxPaths);
    if (g.maxUas > 0) this.uas = addDistinct(this.uas, uaHash, g.maxUas);
    if (g.maxQueries > 0) this.queries = addDistinct(this.queries, queryHash, g.maxQueries);
    const l = this.list;
    if (l === null) { this.list = [ts, id, loc]; return; }
    const n = l.length;
    const lastTs = l[n - 3]!;
    if (ts > lastTs || (ts === lastTs && id > l[n - 2]!)) {
      if (n < 3 * MAX_EVIDENCE_IDS) l.push(ts, id, loc);
      return;
    }
    let i = n - 3;
    while (i > 0 && (l[i - 3]! > ts || (l[i - 3] === ts && l[i - 2]! > id))) i -= 3;
    const out = inserted(l, i, ts, id, loc);
    if (out.length > 3 * MAX_EVIDENCE_IDS) out.length = 3 * MAX_EVIDENCE_IDS;
    this.list = out;
  }

  /** E when the thresholds hold. */
  listEvidence(agg: AggregateSpec): Evidence | null {
    if (!passes(agg, this.count, this.paths, this.uas, this.queries)) return null;
    const ids: number[] = [];
    const l = this.list ?? [];
    for (let i = 1; i < l.length; i += 3) ids.push(l[i]!);
    return { count: this.count, firstTs: this.firstTs, lastTs: this.lastTs, ids };
  }

  listCites(out: Cite): void {
    const l = this.list;
    if (l) for (let i = 0; i < l.length; i += 3) out(l[i + 1]!, l[i]!, l[i + 2]!);
  }

  writeList(w: StateWriter, c: EncodeContext): void {
    w.uint(this.count);
    w.time(this.firstTs, c.base);
    w.time(this.lastTs, c.base);
    const l = this.list ?? [];
    w.uint(l.length / 3);
    for (let i = 0; i < l.length; i += 3) {
      w.time(l[i]!, c.base);
      w.uint(l[i + 1]!);
    }
    writeHashes(w, this.paths);
    writeHashes(w, this.uas);
    writeHashes(w, this.queries);
  }

  readList(r: StateReader, base: number): void {
    this.count = r.uint();
    this.firstTs = r.time(base);
    this.lastTs = r.time(base);
    const n = r.uint();
    if (n > 0) {
      const l: number[] = [];
      for (let i = 0; i < n; i++) l.push(r.time(base), r.uint(), -1);
      this.list = l;
    }
    this.paths = readHashes(r);
    this.uas = readHashes(r);
    this.queries = readHashes(r);
  }
}

/** The thresholds every aggregate applies to E last (min_count, min_distinct_paths / _uas / _queries). */
export function passes(agg: AggregateSpec, count: number, paths: readonly number[] | null, uas: readonly number[] | null, queries: readonly number[] | null): boolean {
  if (count < (agg.min_count ?? 1)) return false;
  if (agg.min_distinct_paths !== undefined && (paths?.length ?? 0) < agg.min_distinct_paths) return false;
  if (agg.min_distinct_uas !== undefined && (uas?.length ?? 0) < agg.min_distinct_uas) return false;
  if (agg.min_distinct_queries !== undefined && (queries?.length ?? 0) < agg.min_distinct_queries) return false;
  return true;
}

/** `set` with `h` added (a distinct-count that only needs to reach `cap`). */
export function addDistinct(set: number[] | null, h: number, cap: number): number[] {
  if (set === null) return [h];
  if (set.length >= cap || set.includes(h)) return set;
  return appended(set, h);
}

export function writeHashes(w: StateWriter, set: readonly number[] | null): void {
  w.uint(set ? set.length : 0);
  for (const h of set ?? []) w.f64(h);
}

export function readHashes(r: StateReader): number[] | null {
  const n = r.uint();
  if (n === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.f64());
  return out;
}
