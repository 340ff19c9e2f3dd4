import type { Hit } from '../core/types.ts';
import { claimedCrawler, type CrawlerDef } from './crawler-claim.ts';
import { evaluateTree, leavesOf, type FieldGroup, type LeafPart } from './matcher-tree.ts';
import { matchText, normalPath, targetFields, type RequestView } from './request-view.ts';
import type { StateGroup } from './state-groups.ts';
import { hash53 } from './string-hash.ts';

// Per-request matching for the streaming detector. Every leaf condition of every rule reads one field
// of the request (matcher-tree.ts); real logs repeat each field value enormously, so each distinct
// value is classified once — the leaves of its field evaluated, the answers interned as a pattern
// number — and a request is then seven pattern numbers. The state groups a combination selects are
// worked out once per combination; an ordinary request costs a few map look-ups and no matching.

const GROUPS: readonly FieldGroup[] = ['target', 'ua', 'referer', 'line', 'method', 'status', 'tag'];
/** Distinct values remembered per field before the cache starts over (a log full of unique URLs stays bounded). */
const CACHE_MAX = 1 << 16;

export interface TargetClass {
  pat: number;
  /** The path as "the same resource" (redirect→404 pairs, distinct paths) and its hash. */
  normalPath: string;
  pathHash: number;
  /** Bit i: ratio group slot i leaves this path out of both sides. */
  ignore: number;
}

export interface UaClass {
  pat: number;
  /** Hash of the decoded, lower-cased user agent (min_distinct_uas counts these). */
  matchHash: number;
  /** Hash of the user agent as logged (the shared-address check counts these). */
  rawHash: number;
  /** Index of the crawler it claims to be, -1 for none. */
  crawler: number;
}

const EMPTY_HIT: Hit = {
  id: 0, ip: '', ts: 0, method: '', target: '', protocol: '', status: 0, bytes: 0, referer: '', ua: '', host: '', tag: null, raw: '', badUtf8: false,
};

function viewWith(fields: Partial<RequestView>, hit: Partial<Hit> = {}): RequestView {
  return { hit: { ...EMPTY_HIT, ...hit }, path: '', query: '', target: '', ua: '', referer: '', ...fields };
}

/** One field's distinct leaf parts and the answer patterns seen so far. */
class FieldAtoms {
  readonly parts: LeafPart[] = [];
  readonly #index = new Map<string, number>();
  readonly #patterns = new Map<string, number>();
  /** answers[pattern][atom] */
  readonly answers: Uint8Array[] = [];

  atomOf(p: LeafPart): number {
    let i = this.#index.get(p.key);
    if (i === undefined) {
      i = this.parts.length;
      this.parts.push(p);
      this.#index.set(p.key, i);
    }
    return i;
  }

  /** The pattern number of the answers of every atom on `v`. */
  classify(v: RequestView): number {
    const bits = new Uint8Array(this.parts.length);
    let key = '';
    for (let i = 0; i < this.parts.length; i++) {
      bits[i] = this.parts[i]!.test(v) ? 1 : 0;
      key += bits[i] ? '1' : '0';
    }
    let pat = this.#patterns.get(key);
    if (pat === undefined) {
      pat = this.answers.length;
      this.answers.push(bits);
      this.#patterns.set(key, pat);
    }
    return pat;
  }
}

export class RequestClassifier {
  readonly #atoms = new Map<FieldGroup, FieldAtoms>(GROUPS.map((g) => [g, new FieldAtoms()]));
  readonly #partAtom = new Map<LeafPart, number>();
  readonly #targets = new Map<string, TargetClass>();
  readonly #uas = new Map<string, UaClass>();
  readonly #referers = new Map<string, number>();
  readonly #lines = new Map<string, number>();
  readonly #methods = new Map<string, number>();
  readonly #tags = new Map<string | null, number>();
  readonly #statuses = new Int32Array(1000).fill(-1);
  readonly #combos = new Map<number, readonly number[]>();
  readonly #combosByText = new Map<string, readonly number[]>();
  /** Ratio groups that leave some paths out, by slot (TargetClass.ignore bit). */
  readonly #ignoreSlots: StateGroup[] = [];
  readonly ignoreSlotOf: Int32Array;

  constructor(private readonly groups: readonly StateGroup[], private readonly crawlers: readonly CrawlerDef[]) {
    for (const g of groups) {
      if (!g.tree) continue;
      for (const leaf of leavesOf(g.tree)) {
        for (const p of leaf.parts) this.#partAtom.set(p, this.#atoms.get(p.group)!.atomOf(p));
      }
    }
    this.ignoreSlotOf = new Int32Array(groups.length).fill(-1);
    for (const g of groups) {
      if (g.ratio?.ignore) {
        if (this.#ignoreSlots.length >= 31) throw new Error('more than 31 ratio rules with ignore lists');
        this.ignoreSlotOf[g.index] = this.#ignoreSlots.length;
        this.#ignoreSlots.push(g);
      }
    }
  }

  target(target: string): TargetClass {
    let c = this.#targets.get(target);
    if (c === undefined) {
      const f = targetFields(target);
      let ignore = 0;
      for (let i = 0; i < this.#ignoreSlots.length; i++) if (this.#ignoreSlots[i]!.ratio!.ignore!.matches(f.path)) ignore |= 1 << i;
      const np = normalPath(f.path);
      c = { pat: this.#atoms.get('target')!.classify(viewWith(f)), normalPath: np, pathHash: hash53(np), ignore };
      remember(this.#targets, target, c);
    }
    return c;
  }

  ua(ua: string): UaClass {
    let c = this.#uas.get(ua);
    if (c === undefined) {
      const m = matchText(ua);
      const def = claimedCrawler(ua, this.crawlers);
      c = { pat: this.#atoms.get('ua')!.classify(viewWith({ ua: m })), matchHash: hash53(m), rawHash: hash53(ua), crawler: def ? this.crawlers.indexOf(def) : -1 };
      remember(this.#uas, ua, c);
    }
    return c;
  }

  /** The state groups whose `match` holds on this request (with t and u already classified), in group order. */
  groupsOf(hit: Hit, t: TargetClass, u: UaClass): readonly number[] {
    const r = this.#value(this.#referers, hit.referer, 'referer', () => viewWith({ referer: matchText(hit.referer) }));
    const lineKey = hit.host === '' && hit.tag === null ? hit.protocol : `${hit.protocol}\u0000${hit.host}\u0000${hit.tag ?? ''}\u0000${hit.tag ? hit.raw : ''}`;
    const l = this.#value(this.#lines, lineKey, 'line', () => viewWith({}, { protocol: hit.protocol, host: hit.host, tag: hit.tag, raw: hit.tag ? hit.raw : '' }));
    const m = this.#value(this.#methods, hit.method, 'method', () => viewWith({}, { method: hit.method }));
    const g = this.#value(this.#tags, hit.tag, 'tag', () => viewWith({}, { tag: hit.tag }));
    const st = hit.status;
    let s = st >= 0 && st < 1000 ? this.#statuses[st]! : -1;
    if (s < 0) {
      s = this.#atoms.get('status')!.classify(viewWith({}, { status: st }));
      if (st >= 0 && st < 1000) this.#statuses[st] = s;
    }
    const pats = [t.pat, u.pat, r, l, m, s, g];
    if (t.pat < 256 && u.pat < 256 && r < 256 && l < 256 && m < 64 && s < 64 && g < 64) {
      const key = ((((((t.pat * 256 + u.pat) * 256 + r) * 256 + l) * 64 + m) * 64 + s) * 64) + g;
      let out = this.#combos.get(key);
      if (out === undefined) {
        out = this.#select(pats);
        this.#combos.set(key, out);
      }
      return out;
    }
    const text = pats.join(',');
    let out = this.#combosByText.get(text);
    if (out === undefined) {
      out = this.#select(pats);
      remember(this.#combosByText, text, out);
    }
    return out;
  }

  #value<K>(cache: Map<K, number>, key: K, group: FieldGroup, view: () => RequestView): number {
    let pat = cache.get(key);
    if (pat === undefined) {
      pat = this.#atoms.get(group)!.classify(view());
      remember(cache, key, pat);
    }
    return pat;
  }

  #select(pats: readonly number[]): readonly number[] {
    const answers = GROUPS.map((grp, i) => this.#atoms.get(grp)!.answers[pats[i]!]!);
    const holds = (p: LeafPart) => answers[GROUPS.indexOf(p.group)]![this.#partAtom.get(p)!] === 1;
    return this.groups.filter((g) => !g.tree || evaluateTree(g.tree, holds)).map((g) => g.index);
  }
}

function remember<K, V>(m: Map<K, V>, k: K, v: V): void {
  if (m.size >= CACHE_MAX) m.clear();
  m.set(k, v);
}
