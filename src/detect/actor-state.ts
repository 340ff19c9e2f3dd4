import type { Hit } from '../core/types.ts';
import type { GroupState } from './group-state.ts';
import type { RefererClass, UaClass } from './request-classes.ts';
import type { StateReader, StateWriter } from './state-codec.ts';
import { appended, bumped } from './small-arrays.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Addresses listed per IPv6 network; more are counted but not named. */
export const MAX_ADDRESSES = 64;
/** counts[] keys: hours of the day are 0–23, status classes 100 + (status / 100). */
const STATUS_KEY = 100;

/** An address seen inside an IPv6 network actor. */
export interface AddressSeen { ip: string; requests: number; firstSeen: number; lastSeen: number }

/**
 * Everything streaming detection keeps about one actor: its own counts (the report page's charts,
 * first and last seen, distinct user agents for the shared-address check, claimed crawlers, the
 * addresses inside an IPv6 network) and one state per rule group its requests have matched.
 */
export class ActorState {
  requests = 0;
  firstSeen = Infinity;
  lastSeen = -Infinity;
  /** [utcDay, requests, …], ascending. */
  days: number[] | null = null;
  /** [key, requests, …]: hour of day (0–23) or STATUS_KEY + status class. */
  counts: number[] | null = null;
  /** Hashes of distinct user agents as logged, up to the cap. */
  uas: number[] | null = null;
  /** [crawler index, requests, …] in order of first claim. */
  crawlers: number[] | null = null;
  ips: AddressSeen[] | null = null;
  otherIps = 0;
  groups: GroupState[] = NO_GROUPS;
  /** The last user agent and referer classified for this actor (most requests repeat them). */
  lastUa: UaClass | null = null;
  lastReferer: RefererClass | null = null;
  /** In the detector's list of actors that may be frozen. */
  hot = false;
  /** Replaced by a fresh state (the actor restarted), or frozen: this object is no longer the actor's. */
  retired = false;

  /** Events for order-sensitive groups still held for reordering when the state was written (see stream-detector.ts). */
  pending: number[] = NO_PENDING;

  /** `index`: the detector's number for the actor (reorder events name actors by it). */
  constructor(readonly key: string, readonly index: number) {}

  count(hit: Hit, u: UaClass, maxUas: number, crawlerCount: number): void {
    const ts = hit.ts;
    this.requests++;
    if (ts < this.firstSeen) this.firstSeen = ts;
    if (ts > this.lastSeen) this.lastSeen = ts;
    this.days = bumped(this.days, Math.floor(ts / DAY_MS), true);
    this.counts = bumped(bumped(this.counts, ((Math.floor(ts / HOUR_MS) % 24) + 24) % 24, false), STATUS_KEY + Math.floor(hit.status / 100), false);
    const uas = this.uas;
    if (uas === null) this.uas = [u.rawHash];
    else if (uas.length < maxUas && !uas.includes(u.rawHash)) this.uas = appended(uas, u.rawHash);
    if (u.crawler >= 0 && u.crawler < crawlerCount) this.crawlers = bumped(this.crawlers, u.crawler, false);
    if (this.key.includes('/')) this.#address(hit);
  }

  #address(hit: Hit): void {
    const list = (this.ips ??= []);
    for (const a of list) {
      if (a.ip === hit.ip) {
        a.requests++;
        if (hit.ts < a.firstSeen) a.firstSeen = hit.ts;
        if (hit.ts > a.lastSeen) a.lastSeen = hit.ts;
        return;
      }
    }
    if (list.length < MAX_ADDRESSES) list.push({ ip: hit.ip, requests: 1, firstSeen: hit.ts, lastSeen: hit.ts });
    else this.otherIps++;
  }

  /** The most claimed crawler (ties: the first claimed), as an index, or -1. */
  topCrawler(): number {
    let best = -1;
    let n = 0;
    const c = this.crawlers ?? [];
    for (let i = 0; i < c.length; i += 2) if (c[i + 1]! > n) { best = c[i]!; n = c[i + 1]!; }
    return best;
  }

  /** Requests per UTC day (epoch ms of the day), per hour of day, per status class. */
  activity(): { days: [number, number][]; hours: number[]; statuses: [number, number][] } {
    const days: [number, number][] = [];
    const d = this.days ?? [];
    for (let i = 0; i < d.length; i += 2) days.push([d[i]! * DAY_MS, d[i + 1]!]);
    const hours = Array<number>(24).fill(0);
    const statuses: [number, number][] = [];
    const c = this.counts ?? [];
    for (let i = 0; i < c.length; i += 2) {
      const k = c[i]!;
      if (k < STATUS_KEY) hours[k] = c[i + 1]!;
      else statuses.push([k - STATUS_KEY, c[i + 1]!]);
    }
    statuses.sort((a, b) => a[0] - b[0]);
    return { days, hours, statuses };
  }

  encode(w: StateWriter, base: number): void {
    w.uint(this.requests);
    w.time(this.firstSeen, base);
    w.time(this.lastSeen, base);
    writePairs(w, this.days ?? []);
    writePairs(w, this.counts ?? []);
    const uas = this.uas ?? [];
    w.uint(uas.length);
    for (const h of uas) w.f64(h);
    writePairs(w, this.crawlers ?? []);
    const ips = this.ips ?? [];
    w.uint(ips.length);
    for (const a of ips) {
      w.str(a.ip);
      w.uint(a.requests);
      w.time(a.firstSeen, base);
      w.time(a.lastSeen, base);
    }
    w.uint(this.otherIps);
  }

  decode(r: StateReader, base: number): void {
    this.requests = r.uint();
    this.firstSeen = r.time(base);
    this.lastSeen = r.time(base);
    this.days = readPairs(r);
    this.counts = readPairs(r);
    const n = r.uint();
    if (n > 0) {
      this.uas = [];
      for (let i = 0; i < n; i++) this.uas.push(r.f64());
    }
    this.crawlers = readPairs(r);
    const ni = r.uint();
    if (ni > 0) {
      this.ips = [];
      for (let i = 0; i < ni; i++) this.ips.push({ ip: r.str(), requests: r.uint(), firstSeen: r.time(base), lastSeen: r.time(base) });
    }
    this.otherIps = r.uint();
  }
}

function writePairs(w: StateWriter, list: readonly number[]): void {
  w.uint(list.length / 2);
  for (let i = 0; i < list.length; i += 2) {
    w.int(list[i]!);
    w.uint(list[i + 1]!);
  }
}

function readPairs(r: StateReader): number[] | null {
  const n = r.uint();
  if (n === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.int(), r.uint());
  return out;
}

const NO_GROUPS: GroupState[] = [];
const NO_PENDING: number[] = [];
