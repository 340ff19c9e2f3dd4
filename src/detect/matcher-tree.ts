import type { RequestMatcher } from './rule-schema.ts';
import type { RequestView } from './request-view.ts';
import { pathListOf } from './path-list.ts';

// A rule's `match` as a tree of leaf conditions, each tagged with the one field of the request it
// reads. compile-matcher.ts evaluates the tree on a whole request; request-classes.ts evaluates each
// leaf once per distinct field value (targets, user agents… repeat enormously) and combines the
// results as bits. Both run the same leaf functions, so they cannot disagree.

/**
 * The part of a request a leaf reads. `target` is the view's path, query and target (all derived from
 * hit.target); `line` is the protocol field and the view's `rest` (protocol, virtual host and, for
 * junk request lines, what the log kept of them).
 */
export type FieldGroup = 'target' | 'ua' | 'referer' | 'line' | 'method' | 'status' | 'tag';

export interface LeafPart {
  group: FieldGroup;
  /** Same key ⇔ same test: parts of different rules with one key are evaluated once. */
  key: string;
  /** Reads only the fields of `group` from the view. */
  test: (v: RequestView) => boolean;
}

export type MatcherNode =
  /** Holds when any of its parts holds (one part, except for conditions that search several fields). */
  | { kind: 'leaf'; id: string; parts: LeafPart[] }
  | { kind: 'all'; id: string; nodes: MatcherNode[] }
  | { kind: 'any'; id: string; nodes: MatcherNode[] }
  | { kind: 'not'; id: string; node: MatcherNode };

export interface TreeContext {
  /** Entries of a list file from data/rules/lists/ (lower-cased, comments removed). */
  list(name: string): string[];
}

function regexOf(src: string, where: string): RegExp {
  try {
    return new RegExp(src, 'i');
  } catch (cause) {
    throw new Error(`${where}: not a valid regular expression (${(cause as Error).message})`);
  }
}

function substringAny(entries: readonly string[]): (s: string) => boolean {
  return (s) => entries.some((e) => s.includes(e));
}

/** The tree of `m`; leaf ids are `<prefix>.<condition>` as the rule-sample coverage check names them. */
export function matcherTree(m: RequestMatcher, ctx: TreeContext, prefix = 'match'): MatcherNode {
  const nodes: MatcherNode[] = [];
  const leaf = (name: string, ...parts: LeafPart[]) => nodes.push({ kind: 'leaf', id: `${prefix}.${name}`, parts });
  const part = (group: FieldGroup, key: string, test: (v: RequestView) => boolean): LeafPart => ({ group, key, test });

  if (m.path_in_list !== undefined) {
    const list = pathListOf(ctx.list(m.path_in_list));
    leaf(`path_in_list(${m.path_in_list})`, part('target', `path_in_list ${m.path_in_list}`, (v) => list.matches(v.path)));
  }
  if (m.path_regex !== undefined) {
    const re = regexOf(m.path_regex, `${prefix}.path_regex`);
    leaf('path_regex', part('target', `path_regex ${m.path_regex}`, (v) => re.test(v.path)));
  }
  if (m.query_in_list !== undefined) {
    const has = substringAny(ctx.list(m.query_in_list));
    leaf(`query_in_list(${m.query_in_list})`, part('target', `query_in_list ${m.query_in_list}`, (v) => v.query !== '' && has(v.query)));
  }
  if (m.query_regex !== undefined) {
    const re = regexOf(m.query_regex, `${prefix}.query_regex`);
    leaf('query_regex', part('target', `query_regex ${m.query_regex}`, (v) => v.query !== '' && re.test(v.query)));
  }
  // the fields anywhere_* search (request-view.ts anywhereFields): target, user agent, referer, rest
  if (m.anywhere_in_list !== undefined) {
    const has = substringAny(ctx.list(m.anywhere_in_list));
    const k = `anywhere_in_list ${m.anywhere_in_list}`;
    leaf(`anywhere_in_list(${m.anywhere_in_list})`, part('target', k, (v) => has(v.target)), part('ua', k, (v) => has(v.ua)),
      part('referer', k, (v) => has(v.referer)), part('line', k, (v) => has(v.rest)));
  }
  if (m.anywhere_regex !== undefined) {
    const re = regexOf(m.anywhere_regex, `${prefix}.anywhere_regex`);
    const k = `anywhere_regex ${m.anywhere_regex}`;
    const test = (f: string) => f !== '' && re.test(f);
    leaf('anywhere_regex', part('target', k, (v) => test(v.target)), part('ua', k, (v) => test(v.ua)),
      part('referer', k, (v) => test(v.referer)), part('line', k, (v) => test(v.rest)));
  }
  if (m.ua_in_list !== undefined) {
    const has = substringAny(ctx.list(m.ua_in_list));
    leaf(`ua_in_list(${m.ua_in_list})`, part('ua', `ua_in_list ${m.ua_in_list}`, (v) => v.ua !== '' && has(v.ua)));
  }
  if (m.ua_regex !== undefined) {
    const re = regexOf(m.ua_regex, `${prefix}.ua_regex`);
    leaf('ua_regex', part('ua', `ua_regex ${m.ua_regex}`, (v) => re.test(v.ua)));
  }
  if (m.ua_empty !== undefined) {
    const want = m.ua_empty;
    leaf('ua_empty', part('ua', `ua_empty ${want}`, (v) => (v.ua.trim() === '') === want));
  }
  if (m.referer_regex !== undefined) {
    const re = regexOf(m.referer_regex, `${prefix}.referer_regex`);
    leaf('referer_regex', part('referer', `referer_regex ${m.referer_regex}`, (v) => re.test(v.referer)));
  }
  if (m.protocol_regex !== undefined) {
    const re = regexOf(m.protocol_regex, `${prefix}.protocol_regex`);
    leaf('protocol_regex', part('line', `protocol_regex ${m.protocol_regex}`, (v) => re.test(v.hit.protocol.slice(0, 64))));
  }
  if (m.method_in !== undefined) {
    const set = new Set(m.method_in);
    leaf('method_in', part('method', `method_in ${[...set].sort().join(',')}`, (v) => set.has(v.hit.method)));
  }
  if (m.status_in !== undefined) {
    const set = new Set(m.status_in);
    leaf('status_in', part('status', `status_in ${[...set].sort().join(',')}`, (v) => set.has(v.hit.status)));
  }
  if (m.tag_in !== undefined) {
    const set = new Set<string>(m.tag_in);
    leaf('tag_in', part('tag', `tag_in ${[...set].sort().join(',')}`, (v) => v.hit.tag !== null && set.has(v.hit.tag)));
  }
  if (m.any !== undefined) {
    nodes.push({ kind: 'any', id: `${prefix}.any`, nodes: m.any.map((a, i) => matcherTree(a, ctx, `${prefix}.any[${i}]`)) });
  }
  if (m.not !== undefined) {
    nodes.push({ kind: 'not', id: `${prefix}.not`, node: matcherTree(m.not, ctx, `${prefix}.not`) });
  }
  return { kind: 'all', id: prefix, nodes };
}

/** Every leaf of the tree, depth first. */
export function leavesOf(node: MatcherNode): Extract<MatcherNode, { kind: 'leaf' }>[] {
  switch (node.kind) {
    case 'leaf': return [node];
    case 'not': return leavesOf(node.node);
    default: return node.nodes.flatMap(leavesOf);
  }
}

/**
 * Evaluates the tree with `holds(part)` deciding each part. With `trace`, every leaf is evaluated
 * (no short-circuit) and the ids of the leaves that hold are added to it.
 */
export function evaluateTree(node: MatcherNode, holds: (p: LeafPart) => boolean, trace?: Set<string>): boolean {
  switch (node.kind) {
    case 'leaf': {
      const ok = node.parts.some(holds);
      if (ok && trace) trace.add(node.id);
      return ok;
    }
    case 'not':
      return !evaluateTree(node.node, holds, trace);
    case 'all': {
      if (!trace) return node.nodes.every((n) => evaluateTree(n, holds));
      let ok = true;
      for (const n of node.nodes) ok = evaluateTree(n, holds, trace) && ok;
      return ok;
    }
    case 'any': {
      if (!trace) return node.nodes.some((n) => evaluateTree(n, holds));
      let ok = false;
      for (const n of node.nodes) ok = evaluateTree(n, holds, trace) || ok;
      return ok;
    }
  }
}
