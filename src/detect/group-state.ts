import type { Hit } from '../core/types.ts';
import type { AggregateSpec } from './rule-schema.ts';
import type { TargetClass, UaClass } from './request-classes.ts';
import type { StateGroup } from './state-groups.ts';
import type { StateReader, StateWriter } from './state-codec.ts';

// What every kind of streaming state (plain, ratio, burst, redirect→404) shares. A state covers one
// *episode* of its group: the matching requests since the last gap of more than the window between
// two of them (see data/rules/README.md, "Streaming and the window").

/** E of a rule as detectActor reports it: size, first and last time, the first cited ids. */
export interface Evidence { count: number; firstTs: number; lastTs: number; ids: readonly number[] }

/** Where a state hands the requests it cites (or may cite later), so their content is stored. */
export interface EvidenceSink {
  keep(hit: Hit): void;
  /** A request known by its settle number (see recent-hits.ts); seq < 0: stored by an earlier run. */
  keepSeq(seq: number, id: number): void;
}

/** One request as a state sees it. */
export interface Seen {
  hit: Hit;
  /** Settle number (recent-hits.ts). */
  seq: number;
  t: TargetClass;
  u: UaClass;
  sink: EvidenceSink;
}

/** How a state is written: times relative to `base`; entries only a request before `horizon` could still need are dropped. */
export interface EncodeContext {
  base: number;
  /** No request still to come is older than this (the newest time read minus the reorder slack). */
  horizon: number;
  sink: EvidenceSink;
  /** Ids of stored requests the written state still cites. */
  refs: number[];
}

export abstract class GroupState {
  /** Time of the newest request of M (the group's matching requests). */
  lastMTs = -Infinity;
  constructor(readonly g: StateGroup) {}
  /** `late`: an earlier-settled request of M is newer (the reorder slack was exceeded). */
  abstract add(s: Seen, late: boolean): void;
  /** E for one member rule, or null when it does not fire. */
  abstract evidence(agg: AggregateSpec): Evidence | null;
  abstract encode(w: StateWriter, c: EncodeContext): void;
  abstract decode(r: StateReader, base: number): void;
}

/** The thresholds every aggregate applies to E last (min_count, min_distinct_paths, min_distinct_uas). */
export function passes(agg: AggregateSpec, count: number, paths: readonly number[] | null, uas: readonly number[] | null): boolean {
  if (count < (agg.min_count ?? 1)) return false;
  if (agg.min_distinct_paths !== undefined && (paths?.length ?? 0) < agg.min_distinct_paths) return false;
  if (agg.min_distinct_uas !== undefined && (uas?.length ?? 0) < agg.min_distinct_uas) return false;
  return true;
}

export function writeHashes(w: StateWriter, set: readonly number[] | null): void {
  w.uint(set ? set.length : 0);
  for (const h of set ?? []) w.f64(h);
}

export function readHashes(r: StateReader, into: number[] | null): void {
  const n = r.uint();
  for (let i = 0; i < n; i++) {
    const h = r.f64();
    if (into) into.push(h);
  }
}
