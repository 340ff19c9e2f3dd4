import type { Hit, SignatureHit } from '../core/types.ts';
import { actorKeyOf } from '../core/ip.ts';
import type { Rule } from './load-rules.ts';
import type { CrawlerDef } from './crawler-claim.ts';
import { type ActorFacts } from './detect-actor.ts';
import { ActorState, type AddressSeen } from './actor-state.ts';
import { BurstState } from './burst-state.ts';
import type { EncodeContext, EvidenceSink, GroupState, Seen } from './group-state.ts';
import { PlainState } from './plain-state.ts';
import { RatioState } from './ratio-state.ts';
import { RedirectState } from './redirect-state.ts';
import { RecentHits } from './recent-hits.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { RequestClassifier } from './request-classes.ts';
import { groupRules, retentionMs, type StateGroup } from './state-groups.ts';
import { StateReader, StateWriter } from './state-codec.ts';
import { hash53 } from './string-hash.ts';

// Streaming detection: each request updates its actor's state as it is read, so no request has to be
// stored to be detected. The signatures are exactly those detectActor (the batch reference) finds on
// the actor's requests of the current episode, as long as no request is read more than `slackMs`
// after a later one (test/detect/stream-equivalence.test.ts). State is persisted per actor between
// nights (encode/decode), and requests still held for reordering at the end of a run are handed back
// as `carry`, so one night and the next give what both at once would.

const STATE_VERSION = 1;

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
  /** Prior state of these actors, by key (absent: new). Called in batches as actors first appear. */
  loadStates?: (keys: string[]) => Map<string, Uint8Array>;
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
  activity: ReturnType<ActorState['activity']>;
  ips: AddressSeen[];
}

export interface FinishOptions {
  /** Signatures whose group's newest matching request is older than this do not fire (asOf − window). */
  windowStart: number;
  facts: (key: string) => ActorFacts;
  /** Actors that get a full outcome even without signatures or a crawler claim (they have a row already). */
  known?: (key: string) => boolean;
}

export interface DetectionOutput {
  /** Every actor that got a request this run (or whose held requests were replayed), with its state to persist. */
  actors: { key: string; requests: number; firstSeen: number; lastSeen: number; state: Uint8Array }[];
  /** Full outcome for actors with signatures, a crawler claim, or known. */
  outcomes: ActorOutcome[];
  /** Requests to store: cited by a signature or by the persisted state (potential evidence). */
  keep: Hit[];
  /** Requests still held for reordering: stored, and read again first by the next run. */
  carry: Hit[];
  /** Stored requests (earlier runs) nothing cites any more. */
  drop: number[];
  /** Newest request time read (this run or earlier). */
  frontier: number;
  /** Requests read more than slackMs after a later one of the same actor (burst and redirect pairs skip them). */
  late: number;
  /** Evidence whose content was no longer in memory when cited (should stay 0). */
  lostEvidence: number;
}

export class StreamDetector {
  readonly #o: StreamOptions;
  readonly #groups: StateGroup[];
  readonly #groupOfRule: number[];
  readonly #groupId: number[];
  readonly #groupById = new Map<number, number>();
  readonly #cls: RequestClassifier;
  readonly #actors = new Map<string, ActorState>();
  readonly #pending = new Set<string>();
  readonly #buffer: ReorderBuffer;
  readonly #recent: RecentHits;
  readonly #kept = new Map<number, Hit>();
  readonly #v6Keys = new Map<string, string>();
  /** Ids of the requests an earlier run handed back, by actor (stored rows that may need deleting). */
  readonly #storedCarry = new Map<string, number[]>();
  #settledMax = -Infinity;
  #late = 0;
  #lost = 0;
  readonly #seen: Seen;
  readonly #sink: EvidenceSink;

  constructor(opts: StreamOptions) {
    this.#o = opts;
    const { groups, groupOfRule } = groupRules(opts.rules);
    this.#groups = groups;
    this.#groupOfRule = groupOfRule;
    this.#groupId = groups.map(groupIdentity);
    this.#groupId.forEach((id, i) => this.#groupById.set(id, i));
    this.#cls = new RequestClassifier(groups, opts.crawlers);
    this.#recent = new RecentHits(retentionMs(groups) + opts.slackMs);
    this.#buffer = new ReorderBuffer(opts.slackMs, (h) => this.#settle(h), opts.frontier ?? -Infinity);
    this.#sink = {
      keep: (hit) => { this.#kept.set(hit.id, hit); },
      keepSeq: (seq, id) => {
        if (seq < 0) return;
        const hit = this.#recent.get(seq);
        if (hit && hit.id === id) this.#kept.set(id, hit);
        else this.#lost++;
      },
    };
    this.#seen = { hit: null as unknown as Hit, seq: 0, t: null as never, u: null as never, sink: this.#sink };
  }

  /** One parsed request (id set). `stored`: a request an earlier run handed back as carry (already in the snapshot). */
  push(hit: Hit, stored = false): void {
    const key = this.#keyOf(hit.ip);
    if (this.#o.loadStates && !this.#actors.has(key)) this.#pending.add(key);
    if (stored) {
      const list = this.#storedCarry.get(key);
      if (list) list.push(hit.id);
      else this.#storedCarry.set(key, [hit.id]);
    }
    this.#buffer.push(hit);
  }

  get held(): number {
    return this.#buffer.held;
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
    let a = this.#actors.get(key);
    if (a) return a;
    if (this.#pending.size > 0) this.#loadPending();
    a = this.#actors.get(key);
    if (!a) {
      a = new ActorState(key);
      this.#actors.set(key, a);
    }
    return a;
  }

  #loadPending(): void {
    const keys = [...this.#pending].filter((k) => !this.#actors.has(k));
    this.#pending.clear();
    if (keys.length === 0 || !this.#o.loadStates) return;
    for (const [key, blob] of this.#o.loadStates(keys)) this.#actors.set(key, this.#decode(key, blob));
  }

  #settle(hit: Hit): void {
    const ts = hit.ts;
    if (ts > this.#settledMax) this.#settledMax = ts;
    let a = this.#actor(this.#keyOf(hit.ip));
    const late = ts < a.lastSeen;
    if (late) this.#late++;
    else if (a.requests > 0 && ts - a.lastSeen > this.#o.windowMs) a = this.#restart(a);
    const cls = this.#cls;
    const t = cls.target(hit.target);
    const u = cls.ua(hit.ua);
    a.count(hit, u, this.#o.maxUserAgents, this.#o.crawlers.length);
    const s = this.#seen;
    s.hit = hit;
    s.seq = this.#recent.push(hit, this.#settledMax);
    s.t = t;
    s.u = u;
    for (const gi of cls.groupsOf(hit, t, u)) {
      let st = stateOf(a, gi);
      if (!st) {
        st = this.#newState(gi);
        a.groups.push(st);
      } else if (ts - st.lastMTs > this.#o.windowMs) {
        st = this.#newState(gi);
        a.groups[a.groups.findIndex((x) => x.g.index === gi)] = st;
      }
      st.add(s, ts < st.lastMTs);
    }
  }

  /** An actor quiet for longer than the window starts afresh (its stored evidence is released). */
  #restart(old: ActorState): ActorState {
    const a = new ActorState(old.key);
    a.priorRefs = old.priorRefs;
    this.#actors.set(old.key, a);
    return a;
  }

  #newState(gi: number): GroupState {
    const g = this.#groups[gi]!;
    switch (g.kind) {
      case 'plain': return new PlainState(g);
      case 'ratio': return new RatioState(g, this.#cls.ignoreSlotOf[gi]!);
      case 'burst': return new BurstState(g);
      case 'redirect': return new RedirectState(g);
    }
  }

  /** Signatures of one actor now, in rule order (what detectActor returns on the episode's requests). */
  #evaluate(a: ActorState, windowStart: number, facts: ActorFacts): SignatureHit[] {
    const out: SignatureHit[] = [];
    const rules = this.#o.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.requires === 'crawler-fake' && facts.crawlerCheck !== 'fake') continue;
      const st = stateOf(a, this.#groupOfRule[i]!);
      if (!st || st.lastMTs < windowStart) continue;
      const e = st.evidence(rule.aggregate ?? {});
      if (!e) continue;
      out.push({
        ruleId: rule.id, family: rule.family, label: rule.label, title: rule.title, description: rule.description,
        points: rule.points, severity: rule.severity, count: e.count, firstTs: e.firstTs, lastTs: e.lastTs, requestIds: [...e.ids],
      });
    }
    return out;
  }

  /**
   * The end of the input. States are written as they stand (held requests are handed back as carry,
   * not applied), then the held requests are applied so the outcomes include them.
   */
  finish(opts: FinishOptions): DetectionOutput {
    this.#loadPending();
    const frontier = this.#buffer.frontier;
    const horizon = frontier - this.#o.slackMs;
    const carry = this.#buffer.heldInOrder();
    const refsOf = new Map<string, number[]>();
    const states = new Map<string, Uint8Array>();
    const w = new StateWriter();
    for (const a of this.#actors.values()) {
      const refs: number[] = [];
      w.reset();
      this.#encode(a, w, { base: a.firstSeen === Infinity ? 0 : a.firstSeen, horizon, sink: this.#sink, refs });
      states.set(a.key, w.bytes());
      refsOf.set(a.key, refs);
    }
    for (const h of carry) {
      const k = this.#keyOf(h.ip);
      if (!refsOf.has(k)) { refsOf.set(k, []); states.set(k, EMPTY_STATE); }
      refsOf.get(k)!.push(h.id);
    }
    this.#buffer.drain();

    const actors: DetectionOutput['actors'] = [];
    const outcomes: ActorOutcome[] = [];
    const cited = new Set<number>();
    const drop: number[] = [];
    for (const a of this.#actors.values()) {
      const state = states.get(a.key)!;
      actors.push({ key: a.key, requests: a.requests, firstSeen: a.firstSeen, lastSeen: a.lastSeen, state });
      // an episode no request still to come could continue is over, whatever asOf says (it is not persisted either)
      const sigs = this.#evaluate(a, Math.max(opts.windowStart, horizon - this.#o.windowMs), opts.facts(a.key));
      const refs = refsOf.get(a.key)!;
      for (const s of sigs) for (const id of s.requestIds) { refs.push(id); }
      for (const id of refs) cited.add(id);
      const stored = this.#storedCarry.get(a.key);
      if (a.priorRefs || stored) {
        const mine = new Set(refs);
        for (const id of a.priorRefs ?? []) if (!mine.has(id)) drop.push(id);
        for (const id of stored ?? []) if (!mine.has(id)) drop.push(id);
      }
      const crawler = a.topCrawler();
      if (sigs.length > 0 || crawler >= 0 || opts.known?.(a.key)) {
        outcomes.push({
          key: a.key, requests: a.requests, firstSeen: a.firstSeen, lastSeen: a.lastSeen, signatures: sigs,
          crawler: crawler >= 0 ? this.#o.crawlers[crawler]!.name : null, userAgents: a.uas.length, activity: a.activity(),
          ips: a.ips ?? (a.requests > 0 ? [{ ip: a.key, requests: a.requests, firstSeen: a.firstSeen, lastSeen: a.lastSeen }] : []),
        });
      }
    }
    const keep: Hit[] = [];
    for (const [id, h] of this.#kept) if (cited.has(id)) keep.push(h);
    return { actors, outcomes, keep, carry, drop: [...new Set(drop)], frontier, late: this.#late, lostEvidence: this.#lost };
  }

  #encode(a: ActorState, w: StateWriter, c: EncodeContext): void {
    w.uint(STATE_VERSION);
    w.time(c.base, 0);
    a.encode(w, c.base);
    // a group no request still to come could continue is over: it is not kept
    const live = a.groups.filter((st) => st.lastMTs >= c.horizon - this.#o.windowMs).sort((x, y) => x.g.index - y.g.index);
    w.uint(live.length);
    for (const st of live) {
      w.f64(this.#groupId[st.g.index]!);
      st.encode(w, c);
    }
  }

  #decode(key: string, blob: Uint8Array): ActorState {
    const a = new ActorState(key);
    const r = new StateReader(blob);
    if (blob.length === 0 || r.uint() !== STATE_VERSION) return a;
    const base = r.time(0);
    a.decode(r, base);
    const n = r.uint();
    const refs: number[] = [];
    for (let i = 0; i < n; i++) {
      const gi = this.#groupById.get(r.f64());
      if (gi === undefined) break; // a rule changed since: this and later groups start afresh
      const st = this.#newState(gi);
      st.decode(r, base);
      a.groups.push(st);
    }
    // the ids this state cited (re-encoding it lists them again)
    const probe: EncodeContext = { base, horizon: -Infinity, sink: { keep() {}, keepSeq() {} }, refs };
    const scratch = new StateWriter();
    for (const st of a.groups) st.encode(scratch, probe);
    a.priorRefs = refs;
    return a;
  }
}

const EMPTY_STATE = new Uint8Array(0);

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
    a.burst?.windowSeconds ?? null, a.redirect_then_404 ?? null, g.maxPaths, g.maxUas]));
}
