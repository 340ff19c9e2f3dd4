import type { Rule } from './load-rules.ts';
import type { MatcherNode } from './matcher-tree.ts';
import type { PathList } from './path-list.ts';

// Rules that select the same requests and build the same evidence from them share one streaming
// state: admin-panel-probe, -sweep and -sweep-wide differ only in their distinct-path threshold, the
// two 404-ratio rules only in `min`. The thresholds are applied per rule when the state is evaluated.

export type GroupKind = 'plain' | 'ratio' | 'burst' | 'redirect';

export interface StateGroup {
  index: number;
  kind: GroupKind;
  /** The shared `match` (null: every request). */
  tree: MatcherNode | null;
  /** Member rules, in rule order. */
  rules: Rule[];
  /** Distinct normal paths / user agents / queries of E worth remembering: the highest threshold of a member (0: none). */
  maxPaths: number;
  maxUas: number;
  maxQueries: number;
  /** `ignoreBit`: this group's bit in TargetClass.ignore (0 when nothing is ignored). */
  ratio: { status: ReadonlySet<number>; ignore: PathList | null; ignoreBit: number } | null;
  /** `minCount`: the smallest `count` of a member; a smaller window can never fire, so its evidence is not kept. */
  burst: { windowMs: number; minCount: number } | null;
  redirect: { redirect: ReadonlySet<number>; withinMs: number } | null;
}

export interface RuleGroups {
  groups: StateGroup[];
  /** Group index of each rule, by the rule's position in the rule list. */
  groupOfRule: number[];
}

export function groupRules(rules: readonly Rule[]): RuleGroups {
  const byKey = new Map<string, StateGroup>();
  const groups: StateGroup[] = [];
  const groupOfRule: number[] = [];
  let ignoreSlots = 0;
  for (const r of rules) {
    const a = r.aggregate ?? {};
    const kind: GroupKind = a.ratio ? 'ratio' : a.burst ? 'burst' : a.redirect_then_404 ? 'redirect' : 'plain';
    const shape = a.ratio
      ? { status: [...a.ratio.status].sort((x, y) => x - y), ignoreList: a.ratio.ignore_list ?? null, ignoreRe: a.ratio.ignore_path_regex ?? null }
      : a.burst
        ? { windowSeconds: a.burst.windowSeconds }
        : a.redirect_then_404
          ? { redirect: [...a.redirect_then_404.redirect].sort((x, y) => x - y), within: a.redirect_then_404.withinSeconds }
          : {};
    const key = JSON.stringify([kind, r.match ?? null, shape]);
    let g = byKey.get(key);
    if (!g) {
      g = {
        index: groups.length, kind, tree: r.tree, rules: [], maxPaths: 0, maxUas: 0, maxQueries: 0,
        ratio: a.ratio ? { status: new Set(a.ratio.status), ignore: r.ratioIgnore, ignoreBit: r.ratioIgnore ? 1 << ignoreSlots++ : 0 } : null,
        burst: a.burst ? { windowMs: a.burst.windowSeconds * 1000, minCount: a.burst.count } : null,
        redirect: a.redirect_then_404 ? { redirect: new Set(a.redirect_then_404.redirect), withinMs: a.redirect_then_404.withinSeconds * 1000 } : null,
      };
      if (ignoreSlots > 31) throw new Error('more than 31 ratio rules with ignore lists');
      byKey.set(key, g);
      groups.push(g);
    }
    g.rules.push(r);
    g.maxPaths = Math.max(g.maxPaths, a.min_distinct_paths ?? 0);
    g.maxUas = Math.max(g.maxUas, a.min_distinct_uas ?? 0);
    g.maxQueries = Math.max(g.maxQueries, a.min_distinct_queries ?? 0);
    if (g.burst && a.burst) g.burst.minCount = Math.min(g.burst.minCount, a.burst.count);
    groupOfRule.push(g.index);
  }
  return { groups, groupOfRule };
}

/** How long (log time) a group may need a request's content after it settled: its window. */
export function retentionMs(groups: readonly StateGroup[]): number {
  let ms = 0;
  for (const g of groups) ms = Math.max(ms, g.burst?.windowMs ?? 0, g.redirect?.withinMs ?? 0);
  return ms;
}
