import type { Hit, SignatureHit } from '../core/types.ts';
import { actorKeyOf } from '../core/ip.ts';
import type { Rule } from './load-rules.ts';
import type { CrawlerDef } from './crawler-claim.ts';
import type { ActorFacts } from './detect-actor.ts';
import { ActorState, type AddressSeen } from './actor-state.ts';
import { BurstState } from './burst-state.ts';
import type { GroupState, Seen } from './group-state.ts';
import { PlainState } from './plain-state.ts';
import { RatioState } from './ratio-state.ts';
import { RedirectState } from './redirect-state.ts';
import { EV_GROUP, EV_ID, EV_LOC, EV_PATH, EV_QUERY, EV_STATUS, EV_TS, EV_UA, EVENT_SIZE, ReorderBuffer } from './reorder-buffer.ts';
import { detach, RequestClassifier } from './request-classes.ts';
import { groupRules, retentionMs, type StateGroup } from './state-groups.ts';
import { StateReader, StateWriter } from './state-codec.ts';
import { hash53 } from './string-hash.ts';
import { ByteArena } from './byte-arena.ts';
import { evaluateTree } from './matcher-tree.ts';
import { targetFields, matchText, restOf } from './request-view.ts';

// Streaming detection: each request updates its actor's state as it is read, so no request has to be
// stored to be detected. The signatures are exactly those detectActor (the batch reference) finds on
// the actor's requests of the current episode, as long as no request is read more than `slackMs`
// after a later one (test/detect/stream-equivalence.test.ts). Counts and list states do not depend on
// the order requests arrive in; burst windows and redirect→404 pairs do, and get their requests as
// small numeric events through a reorder buffer. State is persisted per actor between nights, with
// the events still held for reordering, so one night and the next give what both at once would
// (stream-nights.test.ts).
//
// Memory stays flat: requests are not kept (states remember (time, id, where it was read)), and when
// many actors are held, the quiet ones are frozen into their byte form in one arena.

const STATE_VERSION = 4;
/** An actor may be frozen after this long (log time) without a request, or longer if a window is longer. */
const FREEZE_AFTER_MS = 600_000;
/** Actors kept as objects before quiet ones are frozen (about 1 KB each; frozen, about 100 bytes). */
const HOT_ACTORS = 10_000;
/** Flag stored with a frozen actor: finish() must report it (a signature, or a crawler claim). */
const NEEDS_OUTCOME = 1;
/** New actors wait (their requests queued) until this many are looked up in the snapshot at once. */
const LOAD_BATCH = 512;

export interface StreamOptions {
  rules: readonly Rule[];
  crawlers: readonly CrawlerDef[];
  ipv6Prefix: number;
  /** windowDays in ms: a group (and an actor) quiet for longer starts afresh. */
  windowMs: number;
  /** How late a request may be read and still be put in order (reorderSeconds). */
  slackMs: number;
  /** Distinct user agents counted per actor (the shared-address check needs no more). */
  maxUserAgents: number;
  /** Newest request time read by earlier runs (the reorder frontier carries over). */
  frontier?: number;
  /** Actors kept as objects before quiet ones are frozen (default HOT_ACTORS). */
  hotActors?: number;
  /** Prior state of these actors, by key (absent: new). Called in batches as actors first appear. */
  loadStates?: (keys: string[]) => Map<string, Uint8Array>;
  /** Facts from outside the log (a refuted crawler claim), by actor. */
  facts?: (key: string) => ActorFacts;
}

/** What a run's detection found for one actor. */
export interface ActorOutcome {
  key: string;
  requests: number;
  firstSeen: number;
  lastSeen: number;
  signatures: SignatureHit[];
  /** Name of the crawler most of its user agents claim to be, or null. */
  crawler: string | null;
  /** Distinct user agents (as logged), counted up to maxUserAgents. */
  userAgents: number;
  /** The report's chart counts as stored (actors.activity): {"days":[[utcDayMs,n],…],"hours":[24],"statuses":[[class,n],…]}. */
  activity: string;
  ips: AddressSeen[];
}

export interface FinishOptions {
  /** Signatures whose group's newest matching request is older than this do not fire (asOf − window). */
  windowStart: number;
  /** Actors that get a full outcome even without signatures or a crawler claim (they have a row already). */
  known?: (key: string) => boolean;
}

/** A request read this run that the snapshot must store: `loc` says where to read it again. */
export interface ToStore { id: number; ts: number; loc: number }

/** Every actor's state to persist, packed: state i is bytes[offsets[i], offsets[i + 1]). */
export interface PackedStates {
  keys: string[];
  /** requests, firstSeen, lastSeen of actor i at 3i, 3i+1, 3i+2. */
  nums: Float64Array;
  offsets: Uint32Array;
  bytes: Uint8Array;
}

export interface DetectionOutput {
  /** Every actor that got a request this run (or was loaded), with its state to persist. */
  states: PackedStates;
  /** Full outcome for actors with signatures, a crawler claim, or known. */
  outcomes: ActorOutcome[];
  /** Requests read this run to store: cited by a signature, or evidence a state may cite later (see README). */
  store: ToStore[];
  /** Stored requests (earlier runs) nothing cites any more. */
  drop: number[];
  /** Newest request time read (this run or earlier). */
  frontier: number;
  /** Requests read more than slackMs after a later one (burst windows and redirect pairs skipped them). */
  late: number;
  /** Times an actor was frozen into bytes, and thawed back, during the run. */
  freezes: number;
  thaws: number;
}

export class StreamDetector {
  readonly #o: StreamOptions;
  readonly #facts: (key: string) => ActorFacts;
  readonly #groups: StateGroup[];
  readonly #groupOfRule: number[];
  readonly #groupId: number[];
  readonly #groupById = new Map<number, number>();
  /** Groups whose conditions an ordinary request can meet: their possible evidence is stored only for flagged actors. */
  readonly #dense: boolean[];
  readonly #cls: RequestClassifier;
  /** An actor's state, or the offset of its frozen bytes in the arena. */
  readonly #actors = new Map<string, ActorState | number>();
  /** Actor by index (events name actors by index): the state, or its key while frozen. */
  readonly #byIndex: (ActorState | string)[] = [];
  readonly #buffer: ReorderBuffer;
  readonly #v6Keys = new Map<string, string>();
  /** Requests of actors not yet looked up in the snapshot, and those actors. */
  #waiting: { hit: Hit; loc: number }[] = [];
  #waitingSince = Infinity;
  readonly #pendingKeys = new Set<string>();
  /** Stored requests each loaded actor cited when loaded: rows that may need deleting. */
  readonly #priorRefs = new Map<string, number[]>();
  readonly #drop: number[] = [];
  /** Requests read this run that frozen actors cite (or may cite later): stored at the end. */
  readonly #store: ToStore[] = [];
  #hot: ActorState[] = [];
  readonly #arena = new ByteArena();
  #nextSweep = -Infinity;
  #late = 0;
  #freezes = 0;
  #thaws = 0;
  readonly #seen: Seen;
  readonly #writer = new StateWriter();
  readonly #freezeAfter: number;

  constructor(opts: StreamOptions) {
    this.#o = opts;
    this.#facts = opts.facts ?? (() => ({}));
    const { groups, groupOfRule } = groupRules(opts.rules);
    this.#groups = groups;
    this.#groupOfRule = groupOfRule;
    this.#groupId = groups.map(groupIdentity);
    this.#groupId.forEach((id, i) => this.#groupById.set(id, i));
    this.#dense = groups.map(isDense);
    this.#cls = new RequestClassifier(groups, opts.crawlers);
    this.#buffer = new ReorderBuffer(opts.slackMs, (e, at) => this.#onEvent(e, at), opts.frontier ?? -Infinity);
    this.#seen = { hit: null as unknown as Hit, loc: -1, t: null as never, u: null as never };
    // frozen states keep no burst window or redirect: the delay must outlast both (and the reorder slack)
    this.#freezeAfter = Math.max(FREEZE_AFTER_MS, retentionMs(groups) + opts.slackMs + 60_000);
  }

  /** One parsed request (id set); `loc` says where it was read (file and offset), to read it again if it is cited. */
  push(hit: Hit, loc = -1): void {
    const key = this.#keyOf(hit.ip);
    if (this.#o.loadStates && (this.#pendingKeys.has(key) || !this.#actors.has(key))) {
      // its prior state is looked up with others: until then its requests wait, in order
      this.#pendingKeys.add(key);
      this.#waiting.push({ hit, loc });
      if (hit.ts < this.#waitingSince) this.#waitingSince = hit.ts;
      if (this.#pendingKeys.size >= LOAD_BATCH || this.#waiting.length >= 8 * LOAD_BATCH) this.#flushWaiting();
    } else {
      this.#take(hit, loc, key);
    }
    if (hit.ts > this.#buffer.frontier) {
      // waiting requests must reach the reorder buffer before it moves past them
      if (this.#waiting.length > 0 && hit.ts - this.#waitingSince > this.#o.slackMs / 2) this.#flushWaiting();
      this.#buffer.advance(hit.ts);
      if (hit.ts >= this.#nextSweep) this.#sweep();
    }
  }

  /**
   * The newest time any reader of the run saw (other threads included): events that every request
   * still to come must follow are released, so one thread or several leave the same states.
   */
  advanceTo(ts: number): void {
    if (this.#waiting.length > 0) this.#flushWaiting();
    this.#buffer.advance(ts);
  }

  get frontier(): number {
    return this.#buffer.frontier;
  }

  /** Loads these actors' prior states (no request needed): finish() then reports them, e.g. to re-judge them with new facts. */
  include(keys: readonly string[]): void {
    if (!this.#o.loadStates) return;
    for (const k of keys) {
      this.#included.add(k);
      if (!this.#actors.has(k)) this.#pendingKeys.add(k);
    }
  }

  readonly #included = new Set<string>();

  #flushWaiting(): void {
    const keys = [...this.#pendingKeys].filter((k) => !this.#actors.has(k));
    this.#pendingKeys.clear();
    if (keys.length > 0 && this.#o.loadStates) {
      for (const [key, blob] of this.#o.loadStates(keys)) this.#load(detach(key), blob);
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#waitingSince = Infinity;
    for (const w of waiting) this.#take(w.hit, w.loc, this.#keyOf(w.hit.ip));
  }

  #keyOf(ip: string): string {
    if (!ip.includes(':')) return ip;
    let k = this.#v6Keys.get(ip);
    if (k === undefined) {
      k = actorKeyOf(ip, this.#o.ipv6Prefix);
      if (this.#v6Keys.size >= 65536) this.#v6Keys.clear();
      this.#v6Keys.set(ip, k);
    }
    return k;
  }

  #actor(key: string): ActorState {
    const v = this.#actors.get(key);
    if (typeof v === 'number') return this.#thaw(key, v);
    if (v !== undefined) return v;
    return this.#adopt(new ActorState(detach(key), this.#byIndex.length));
  }

  #adopt(a: ActorState): ActorState {
    this.#actors.set(a.key, a);
    this.#byIndex[a.index] = a;
    a.hot = true;
    this.#hot.push(a);
    return a;
  }

  #load(key: string, blob: Uint8Array): void {
    const a = this.#decode(key, blob, this.#byIndex.length);
    if (!a) return;
    this.#adopt(a);
    const refs: number[] = [];
    for (const st of a.groups) st.cites((id) => refs.push(id), -Infinity);
    for (let i = 0; i < a.pending.length; i += EVENT_SIZE) refs.push(a.pending[i + EV_ID]!);
    if (refs.length) this.#priorRefs.set(key, refs);
    this.#replayPending(a);
  }

  /** Events a state was persisted with, back into the reorder buffer. */
  #replayPending(a: ActorState): void {
    const p = a.pending;
    a.pending = NO_EVENTS;
    for (let i = 0; i < p.length; i += EVENT_SIZE) {
      this.#buffer.push(a.index, p[i + EV_GROUP]!, p[i + EV_TS]!, p[i + EV_ID]!, -1, p[i + EV_PATH]!, p[i + EV_UA]!, p[i + EV_STATUS]!, p[i + EV_QUERY]!);
    }
  }

  /** A request whose actor's prior state is known. */
  #take(hit: Hit, loc: number, key: string): void {
    const ts = hit.ts;
    let a = this.#actor(key);
    if (a.requests > 0 && ts - a.lastSeen > this.#o.windowMs) a = this.#restart(a);
    const cls = this.#cls;
    const t = cls.target(hit.target);
    // a visitor keeps its user agent and mostly its referer: compare before hashing
    let u = a.lastUa;
    if (u === null || u.text !== hit.ua) a.lastUa = u = cls.ua(hit.ua);
    let r = a.lastReferer;
    if (r === null || r.text !== hit.referer) a.lastReferer = r = cls.referer(hit.referer);
    a.count(hit, u, this.#o.maxUserAgents, this.#o.crawlers.length);
    const s = this.#seen;
    s.hit = hit;
    s.loc = loc;
    s.t = t;
    s.u = u;
    const groups = this.#groups;
    for (const gi of cls.groupsOf(hit, t, u, r)) {
      const g = groups[gi]!;
      if (g.kind === 'burst' || g.kind === 'redirect') {
        if (g.kind === 'redirect' && hit.status !== 404 && !g.redirect!.redirect.has(hit.status)) continue;
        this.#buffer.push(a.index, gi, ts, hit.id, loc, t.pathHash, u.matchHash, hit.status, t.queryHash);
        continue;
      }
      let st = stateOf(a, gi);
      if (g.tree === null) {
        // every request is in M: the actor's own episode applies (and a ratio state waits for a request that changes it)
        if (g.kind === 'ratio' && !RatioState.concerns(g, hit.status, t.ignore)) continue;
        if (!st) st = this.#addState(a, gi);
      } else if (!st) {
        st = this.#addState(a, gi);
      } else if (ts - st.lastMTs > this.#o.windowMs) {
        st = this.#replaceState(a, st);
      }
      st.add(s);
    }
  }

  #onEvent(e: readonly number[], at: number): void {
    const ref = this.#byIndex[e[at]!]!;
    const a = typeof ref === 'string' ? this.#actor(ref) : ref;
    const gi = e[at + EV_GROUP]!;
    const ts = e[at + EV_TS]!;
    const g = this.#groups[gi]!;
    let st = stateOf(a, gi);
    if (!st) {
      if (g.kind === 'redirect' && g.tree === null && !g.redirect!.redirect.has(e[at + EV_STATUS]!)) return;
      st = this.#addState(a, gi);
    } else if (g.tree !== null && ts - st.lastMTs > this.#o.windowMs) {
      st = this.#replaceState(a, st);
    }
    const late = ts < st.lastMTs;
    if (late) this.#late++;
    st.addEvent(e, at, late);
  }

  #addState(a: ActorState, gi: number): GroupState {
    const st = this.#newState(gi);
    if (a.groups.length === 0) a.groups = [st];
    else a.groups.push(st);
    return st;
  }

  #replaceState(a: ActorState, old: GroupState): GroupState {
    const st = this.#newState(old.g.index);
    a.groups[a.groups.indexOf(old)] = st;
    return st;
  }

  /**
   * An actor quiet for longer than the window starts afresh (its stored evidence is released). The
   * fresh state gets a new index: events of the old episode still held for reordering then reach the
   * old, retired state and change nothing.
   */
  #restart(old: ActorState): ActorState {
    old.retired = true;
    this.#release(old.key, []);
    return this.#adopt(new ActorState(old.key, this.#byIndex.length));
  }

  /** Stored requests the actor cited when loaded but `refs` no longer contains can be deleted (they never come back). */
  #release(key: string, refs: readonly number[]): void {
    const prior = this.#priorRefs.get(key);
    if (!prior) return;
    const keep = new Set(refs);
    const still: number[] = [];
    for (const id of prior) (keep.has(id) ? still : this.#drop).push(id);
    if (still.length) this.#priorRefs.set(key, still);
    else this.#priorRefs.delete(key);
  }

  #newState(gi: number): GroupState {
    const g = this.#groups[gi]!;
    switch (g.kind) {
      case 'plain': return new PlainState(g);
      case 'ratio': return new RatioState(g);
      case 'burst': return new BurstState(g);
      case 'redirect': return new RedirectState(g);
    }
  }

  /** Signatures of one actor now, in rule order (what detectActor returns on the episode's requests). */
  #evaluate(a: ActorState, windowStart: number, facts: ActorFacts): SignatureHit[] {
    const out: SignatureHit[] = [];
    if (a.groups.length === 0) return out;
    const rules = this.#o.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.requires === 'crawler-fake' && facts.crawlerCheck !== 'fake') continue;
      const st = stateOf(a, this.#groupOfRule[i]!);
      if (!st || lastOfM(st, a) < windowStart) continue;
      const e = st.evidence(rule.aggregate ?? {}, a.requests);
      if (!e) continue;
      out.push({
        ruleId: rule.id, family: rule.family, label: rule.label, title: rule.title, description: rule.description,
        points: rule.points, severity: rule.severity, count: e.count, firstTs: e.firstTs, lastTs: e.lastTs, requestIds: [...e.ids],
      });
    }
    return out;
  }

  /** Whether some rule fires on the state now (window aside): a superset of what finish() reports. */
  #mayFire(a: ActorState): boolean {
    for (const st of a.groups) {
      for (const rule of st.g.rules) {
        if (rule.requires === 'crawler-fake' && this.#facts(a.key).crawlerCheck !== 'fake') continue;
        if (st.evidence(rule.aggregate ?? {}, a.requests)) return true;
      }
    }
    return false;
  }

  /** When more than the budget of actors are objects, freezes those quiet for the freeze delay. */
  #sweep(): void {
    const now = this.#buffer.frontier;
    this.#nextSweep = now + this.#freezeAfter / 4;
    if (this.#hot.length <= (this.#o.hotActors ?? HOT_ACTORS)) return;
    const before = now - this.#freezeAfter;
    const still: ActorState[] = [];
    for (const a of this.#hot) {
      if (a.retired) continue;
      if (a.lastSeen >= before) { still.push(a); continue; }
      this.#freeze(a, now);
    }
    this.#hot = still;
  }

  #freeze(a: ActorState, horizon: number): void {
    // the bytes keep no read locations: what the policy stores of this run's requests is taken now
    const flagged = this.#mayFire(a);
    this.#release(a.key, this.#takeCites(a, horizon, flagged));
    const w = this.#writer;
    w.reset();
    this.#encode(a, w, horizon);
    const n = w.length;
    const flags = flagged || a.topCrawler() >= 0 ? NEEDS_OUTCOME : 0;
    this.#freezes++;
    const where = this.#arena.put(n + FROZEN_HEAD, (page, at) => {
      page[at] = flags;
      writeU32(page, at + 1, n);
      writeU32(page, at + 5, a.index);
      w.copyTo(page, at + FROZEN_HEAD);
    });
    if (this.#arena.wasteful) this.#compactArena();
    this.#actors.set(a.key, where);
    a.hot = false;
    a.retired = true;
    this.#byIndex[a.index] = a.key;
  }

  /**
   * Every id the actor's state cites (for release), and the requests read this run it must store: all
   * of them once a signature fired, otherwise those of sparse groups (see the README: dense groups'
   * possible evidence is kept as ids only). Stored ones are remembered as prior refs, so they are
   * deleted again if the state lets go of them.
   */
  #takeCites(a: ActorState, horizon: number, flagged: boolean): number[] {
    const refs: number[] = [];
    const taken: number[] = [];
    for (const st of a.groups) {
      const keepAll = flagged || !this.#dense[st.g.index];
      st.cites((id, ts, loc) => {
        refs.push(id);
        if (loc >= 0 && keepAll) { this.#store.push({ id, ts, loc }); taken.push(id); }
      }, horizon);
    }
    if (taken.length) {
      const prior = this.#priorRefs.get(a.key);
      this.#priorRefs.set(a.key, prior ? prior.concat(taken) : taken);
    }
    return refs;
  }

  /** A frozen actor: [flags][byte length][index][bytes]. */
  #frozen(where: number): { flags: number; index: number; bytes: Uint8Array } {
    const { page, at } = this.#arena.page(where);
    const n = readU32(page, at + 1);
    return { flags: page[at]!, index: readU32(page, at + 5), bytes: page.subarray(at + FROZEN_HEAD, at + FROZEN_HEAD + n) };
  }

  #thaw(key: string, where: number): ActorState {
    const { bytes, index } = this.#frozen(where);
    this.#arena.release(bytes.length + FROZEN_HEAD);
    this.#thaws++;
    const a = this.#decode(key, bytes, index) ?? new ActorState(key, index);
    this.#adopt(a);
    return a;
  }

  /** Most frozen bytes belong to actors thawed since: keep only the live ones. */
  #compactArena(): void {
    const actors = this.#actors;
    const self = this;
    function* live(): Generator<[number, number]> {
      for (const v of actors.values()) if (typeof v === 'number') yield [v, self.#frozen(v).bytes.length + FROZEN_HEAD];
    }
    const moved = new Map<number, number>();
    this.#arena.compact(live(), (from, to) => moved.set(from, to));
    for (const [key, v] of actors) if (typeof v === 'number') actors.set(key, moved.get(v)!);
  }

  /**
   * The end of the input. States are written with the events still held for reordering (the next
   * run replays them), then the held events are applied so the outcomes include them.
   */
  finish(opts: FinishOptions): DetectionOutput {
    this.#flushWaiting();
    const frontier = this.#buffer.frontier;
    const horizon = frontier - this.#o.slackMs;
    const held = new Map<number, number[]>();
    this.#buffer.forEachHeld((e, at) => {
      const list = held.get(e[at]!);
      const ev = e.slice(at, at + EVENT_SIZE);
      if (list) list.push(...ev);
      else held.set(e[at]!, ev);
    });
    const preflush = new Map<string, Uint8Array>();
    const heldOf = new Map<string, number[]>();
    for (const [index, events] of held) {
      const ref = this.#byIndex[index]!;
      const a = typeof ref === 'string' ? this.#actor(ref) : ref;
      if (a.retired) continue; // events of an episode that ended
      a.pending = events;
      preflush.set(a.key, this.#encodeNow(a, horizon));
      a.pending = NO_EVENTS;
      heldOf.set(a.key, events);
    }
    this.#buffer.drain();

    const n = this.#actors.size;
    const keys: string[] = new Array<string>(n);
    const nums = new Float64Array(3 * n);
    const offsets = new Uint32Array(n + 1);
    const out = new StateWriter(this.#arena.bytes + this.#hot.length * 256 + 4096);
    const outcomes: ActorOutcome[] = [];
    const bound = Math.max(opts.windowStart, horizon - this.#o.windowMs);
    let k = 0;
    const put = (key: string, requests: number, first: number, last: number, bytes: Uint8Array | null, a: ActorState | null) => {
      keys[k] = key;
      nums[3 * k] = requests;
      nums[3 * k + 1] = first;
      nums[3 * k + 2] = last;
      offsets[k++] = out.length;
      if (bytes) out.append(bytes);
      else this.#encode(a!, out, horizon);
    };
    for (const [key, v] of this.#actors) {
      let a: ActorState;
      if (typeof v === 'number') {
        const { flags, bytes } = this.#frozen(v);
        if (flags === 0 && !opts.known?.(key) && !this.#priorRefs.has(key) && !this.#included.has(key)) {
          // nothing to report: its counts come from the head of its bytes
          const head = readHead(bytes);
          put(key, head.requests, head.firstSeen, head.lastSeen, bytes, null);
          continue;
        }
        a = this.#decode(key, bytes, 0) ?? new ActorState(key, 0);
        put(key, a.requests, a.firstSeen, a.lastSeen, preflush.get(key) ?? bytes, null);
      } else {
        a = v;
        put(key, a.requests, a.firstSeen, a.lastSeen, preflush.get(key) ?? null, a);
      }
      // an episode no request still to come could continue is over, whatever asOf says
      const sigs = this.#evaluate(a, bound, this.#facts(key));
      const refs = this.#takeCites(a, horizon, sigs.length > 0);
      // the persisted state also holds the events still waiting for reordering: the next run may cite them
      const waiting = heldOf.get(key);
      if (waiting) {
        for (let i = 0; i < waiting.length; i += EVENT_SIZE) {
          const id = waiting[i + EV_ID]!;
          refs.push(id);
          if (waiting[i + EV_LOC]! >= 0 && (sigs.length > 0 || !this.#dense[waiting[i + EV_GROUP]!])) this.#store.push({ id, ts: waiting[i + EV_TS]!, loc: waiting[i + EV_LOC]! });
        }
      }
      this.#release(key, refs);
      const crawler = a.topCrawler();
      if (sigs.length > 0 || crawler >= 0 || opts.known?.(key) || this.#included.has(key)) {
        outcomes.push({
          key, requests: a.requests, firstSeen: a.firstSeen, lastSeen: a.lastSeen, signatures: sigs,
          crawler: crawler >= 0 ? this.#o.crawlers[crawler]!.name : null, userAgents: a.uas?.length ?? 0, activity: JSON.stringify(a.activity()),
          ips: a.ips ?? (a.requests > 0 ? [{ ip: key, requests: a.requests, firstSeen: a.firstSeen, lastSeen: a.lastSeen }] : []),
        });
      }
    }
    offsets[k] = out.length;
    const dropped = new Set(this.#drop);
    const seen = new Set<number>();
    const store = this.#store.filter((s) => !dropped.has(s.id) && !seen.has(s.id) && (seen.add(s.id), true));
    const states: PackedStates = { keys, nums, offsets, bytes: out.take() };
    return { states, outcomes, store, drop: [...dropped], frontier, late: this.#late, freezes: this.#freezes, thaws: this.#thaws };
  }

  #encodeNow(a: ActorState, horizon: number): Uint8Array {
    const w = this.#writer;
    w.reset();
    this.#encode(a, w, horizon);
    return w.bytes();
  }

  #encode(a: ActorState, w: StateWriter, horizon: number): void {
    const base = a.firstSeen === Infinity ? 0 : a.firstSeen;
    w.uint(STATE_VERSION);
    w.time(base, 0);
    a.encode(w, base);
    const groups = sortedByGroup(a.groups);
    w.uint(groups.length);
    for (const st of groups) {
      w.f64(this.#groupId[st.g.index]!);
      st.encode(w, { base, horizon });
    }
    const p = a.pending;
    w.uint(p.length / EVENT_SIZE);
    for (let i = 0; i < p.length; i += EVENT_SIZE) {
      w.f64(this.#groupId[p[i + EV_GROUP]!]!);
      w.time(p[i + EV_TS]!, base);
      w.uint(p[i + EV_ID]!);
      w.f64(p[i + EV_PATH]!);
      w.f64(p[i + EV_UA]!);
      w.uint(p[i + EV_STATUS]!);
      w.f64(p[i + EV_QUERY]!);
    }
  }

  #decode(key: string, blob: Uint8Array, index: number): ActorState | null {
    if (blob.length === 0) return null;
    const r = new StateReader(blob);
    if (r.uint() !== STATE_VERSION) return null; // written by another version: start afresh
    const a = new ActorState(key, index);
    const base = r.time(0);
    a.decode(r, base);
    const n = r.uint();
    const groups: GroupState[] = [];
    let known = true;
    for (let i = 0; i < n; i++) {
      const gi = this.#groupById.get(r.f64());
      if (gi === undefined) { known = false; break; } // a rule changed since: this and later groups start afresh
      const st = this.#newState(gi);
      st.decode(r, base);
      groups.push(st);
    }
    if (groups.length) a.groups = groups;
    if (!known) return a;
    const np = r.uint();
    const pending: number[] = [];
    for (let i = 0; i < np; i++) {
      const gi = this.#groupById.get(r.f64());
      const ts = r.time(base);
      const id = r.uint();
      const path = r.f64();
      const ua = r.f64();
      const status = r.uint();
      const query = r.f64();
      if (gi !== undefined) pending.push(index, gi, ts, id, -1, path, ua, status, query);
    }
    if (pending.length) a.pending = pending;
    return a;
  }
}

const NO_EVENTS: number[] = [];
const FROZEN_HEAD = 9;

function sortedByGroup(groups: GroupState[]): readonly GroupState[] {
  for (let i = 1; i < groups.length; i++) if (groups[i]!.g.index < groups[i - 1]!.g.index) return [...groups].sort((x, y) => x.g.index - y.g.index);
  return groups;
}

/** requests, firstSeen and lastSeen from the start of an encoded state. */
function readHead(bytes: Uint8Array): { requests: number; firstSeen: number; lastSeen: number } {
  const r = new StateReader(bytes);
  r.uint();
  const base = r.time(0);
  const requests = r.uint();
  return { requests, firstSeen: r.time(base), lastSeen: r.time(base) };
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 255; b[at + 1] = (v >>> 8) & 255; b[at + 2] = (v >>> 16) & 255; b[at + 3] = v >>> 24;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** The newest request of the group's M: for a group without `match`, the actor's newest request. */
function lastOfM(st: GroupState, a: ActorState): number {
  return st.g.tree === null ? a.lastSeen : st.lastMTs;
}

function stateOf(a: ActorState, gi: number): GroupState | undefined {
  const g = a.groups;
  for (let i = 0; i < g.length; i++) if (g[i]!.g.index === gi) return g[i];
  return undefined;
}

/** Identifies a group across runs: its kind, match and evidence shape, and the distinct counts kept. */
function groupIdentity(g: StateGroup): number {
  const r = g.rules[0]!;
  const a = r.aggregate ?? {};
  return hash53(JSON.stringify([g.kind, r.match ?? null, a.ratio ? [a.ratio.status, a.ratio.ignore_list, a.ratio.ignore_path_regex] : null,
    a.burst?.windowSeconds ?? null, a.redirect_then_404 ?? null, g.maxPaths, g.maxUas, g.maxQueries]));
}

const ORDINARY: Partial<Hit>[] = [
  { method: 'GET', target: '/', status: 200 }, { method: 'GET', target: '/blog/a-post/', status: 200 },
  { method: 'GET', target: '/img/photo.jpg', status: 304 }, { method: 'GET', target: '/missing-page', status: 404 },
];
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A group every ordinary visitor feeds (its conditions hold on a plain page, image or 404 request). */
function isDense(g: StateGroup): boolean {
  if (!g.tree) return true;
  return ORDINARY.some((o) => {
    const hit: Hit = { id: 0, ip: '', ts: 0, method: 'GET', target: '/', protocol: 'HTTP/1.1', status: 200, bytes: 0, referer: '', ua: BROWSER, host: '', tag: null, raw: '', badUtf8: false, ...o };
    const v = { hit, ...targetFields(hit.target), ua: matchText(hit.ua), referer: '', rest: restOf(hit) };
    return evaluateTree(g.tree!, (p) => p.test(v));
  });
}
