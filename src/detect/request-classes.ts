import type { Hit } from '../core/types.ts';
import { claimedCrawler, type CrawlerDef } from './crawler-claim.ts';
import { evaluateTree, leavesOf, type FieldGroup, type LeafPart } from './matcher-tree.ts';
import { matchText, normalPath, restOf, targetFields, type RequestView } from './request-view.ts';
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
  /** The target itself, held on its own (not as a slice of the log line it was read from). */
  text: string;
  /** The path as "the same resource" (redirect→404 pairs, distinct paths) and its hash. */
  normalPath: string;
  pathHash: number;
  /** Hash of the decoded, lower-cased query (min_distinct_queries counts these). */
  queryHash: number;
  /** The ignoreBit of every ratio group that leaves this path out of both sides. */
  ignore: number;
}

export interface UaClass {
  pat: number;
  text: string;
  /** Hash of the decoded, lower-cased user agent (min_distinct_uas counts these). */
  matchHash: number;
  /** Hash of the user agent as logged (the shared-address check counts these). */
  rawHash: number;
  /** Index of the crawler it claims to be, -1 for none. */
  crawler: number;
}

export interface RefererClass { pat: number; text: string }

/**
 * A copy of `s` that does not keep the string it was sliced from alive: V8 represents a substring of
 * 13 or more characters as a view into its parent, and the parent here is a whole log line.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

const EMPTY_HIT: Hit = {
  id: 0, ip: '', ts: 0, method: '', target: '', protocol: '', status: 0, bytes: 0, referer: '', ua: '', host: '', tag: null, raw: '', badUtf8: false,
};

function viewWith(fields: Partial<RequestView>, hit: Partial<Hit> = {}): RequestView {
  return { hit: { ...EMPTY_HIT, ...hit }, path: '', query: '', target: '', ua: '', referer: '', rest: '', ...fields };
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
  readonly #referers = new Map<string, RefererClass>();
  readonly #lines = new Map<string, number>();
  readonly #methods = new Map<string, number>();
  readonly #tags = new Map<string | null, number>();
  readonly #statuses = new Int32Array(1000).fill(-1);
  readonly #combos = new Map<number, readonly number[]>();
  readonly #combosByText = new Map<string, readonly number[]>();
  /** Ratio groups that leave some paths out (each has its bit in TargetClass.ignore). */
  readonly #ignoring: StateGroup[];

  constructor(private readonly groups: readonly StateGroup[], private readonly crawlers: readonly CrawlerDef[]) {
    for (const g of groups) {
      if (!g.tree) continue;
      for (const leaf of leavesOf(g.tree)) {
        for (const p of leaf.parts) this.#partAtom.set(p, this.#atoms.get(p.group)!.atomOf(p));
      }
    }
    this.#ignoring = groups.filter((g) => g.ratio?.ignore);
  }

  target(target: string): TargetClass {
    let c = this.#targets.get(target);
    if (c === undefined) {
      const f = targetFields(target);
      let ignore = 0;
      for (const g of this.#ignoring) if (g.ratio!.ignore!.matches(f.path)) ignore |= g.ratio!.ignoreBit;
      const np = normalPath(f.path);
      c = { pat: this.#atoms.get('target')!.classify(viewWith(f)), text: detach(target), normalPath: detach(np), pathHash: hash53(np), queryHash: hash53(f.query), ignore };
      // keyed by the detached copy: the key must not keep its log line alive
      remember(this.#targets, c.text, c);
    }
    return c;
  }

  ua(ua: string): UaClass {
    let c = this.#uas.get(ua);
    if (c === undefined) {
      const m = matchText(ua);
      const def = claimedCrawler(ua, this.crawlers);
      c = { pat: this.#atoms.get('ua')!.classify(viewWith({ ua: m })), text: detach(ua), matchHash: hash53(m), rawHash: hash53(ua), crawler: def ? this.crawlers.indexOf(def) : -1 };
      remember(this.#uas, c.text, c);
    }
    return c;
  }

  referer(referer: string): RefererClass {
    let c = this.#referers.get(referer);
    if (c === undefined) {
      c = { pat: this.#atoms.get('referer')!.classify(viewWith({ referer: matchText(referer) })), text: detach(referer) };
      remember(this.#referers, c.text, c);
    }
    return c;
  }

  /** The state groups whose `match` holds on this request (its target, user agent and referer classified), in group order. */
  groupsOf(hit: Hit, t: TargetClass, u: UaClass, rc: RefererClass): readonly number[] {
    const r = rc.pat;
    // the protocol field and, for junk request lines, what the log kept of them (one key for most lines)
    const lineKey = hit.host === '' && hit.tag === null ? hit.protocol : `${hit.protocol}\u0000${hit.host}\u0000${hit.tag ?? ''}\u0000${hit.tag ? hit.raw : ''}`;
    let l = this.#lines.get(lineKey);
    if (l === undefined) {
      const fields = { protocol: hit.protocol, host: hit.host, tag: hit.tag, raw: hit.tag ? hit.raw : '' };
      l = this.#atoms.get('line')!.classify(viewWith({ rest: restOf(fields) }, fields));
      remember(this.#lines, detach(lineKey), l);
    }
    let m = this.#methods.get(hit.method);
    if (m === undefined) {
      m = this.#atoms.get('method')!.classify(viewWith({}, { method: hit.method }));
      remember(this.#methods, detach(hit.method), m);
    }
    let g = this.#tags.get(hit.tag);
    if (g === undefined) {
      g = this.#atoms.get('tag')!.classify(viewWith({}, { tag: hit.tag }));
      this.#tags.set(hit.tag, g);
    }
    const st = hit.status;
    let s = st >= 0 && st < 1000 ? this.#statuses[st]! : -1;
    if (s < 0) {
      s = this.#atoms.get('status')!.classify(viewWith({}, { status: st }));
      if (st >= 0 && st < 1000) this.#statuses[st] = s;
    }
    if (t.pat < 256 && u.pat < 256 && r < 256 && l < 256 && m < 64 && s < 64 && g < 64) {
      const key = ((((((t.pat * 256 + u.pat) * 256 + r) * 256 + l) * 64 + m) * 64 + s) * 64) + g;
      let out = this.#combos.get(key);
      if (out === undefined) {
        out = this.#select([t.pat, u.pat, r, l, m, s, g]);
        this.#combos.set(key, out);
      }
      return out;
    }
    const pats = [t.pat, u.pat, r, l, m, s, g];
    const text = pats.join(',');
    let out = this.#combosByText.get(text);
    if (out === undefined) {
      out = this.#select(pats);
      remember(this.#combosByText, text, out);
    }
    return out;
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
