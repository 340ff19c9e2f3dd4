import type { RequestMatcher } from './rule-schema.ts';
import type { RequestView } from './request-view.ts';
import { evaluateTree, leavesOf, matcherTree, type MatcherNode } from './matcher-tree.ts';

/**
 * A compiled per-request matcher. `trace`, when given, receives the id of every leaf condition that
 * holds on this request (all leaves are then evaluated, no short-circuit) — the sample test uses it to
 * prove that every condition of every rule is exercised.
 */
export type CompiledMatcher = (v: RequestView, trace?: Set<string>) => boolean;

export interface CompileContext {
  /** Entries of a list file from data/rules/lists/ (lower-cased, comments removed). */
  list(name: string): string[];
  /** Called for every leaf, so callers can enumerate them. */
  leaf?(id: string): void;
}

export function compileMatcher(m: RequestMatcher, ctx: CompileContext, prefix = 'match'): CompiledMatcher {
  return compileTree(matcherTree(m, ctx, prefix), ctx);
}

/** The matcher of an already built tree (load-rules.ts keeps the tree for the streaming detector). */
export function compileTree(tree: MatcherNode, ctx: Pick<CompileContext, 'leaf'> = {}): CompiledMatcher {
  for (const l of leavesOf(tree)) ctx.leaf?.(l.id);
  return (v, trace) => evaluateTree(tree, (p) => p.test(v), trace);
}
