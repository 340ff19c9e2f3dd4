import type { RequestMatcher } from './rule-schema.ts';
import { anywhereFields, type RequestView } from './request-view.ts';
import { pathListOf } from './path-list.ts';

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

type Leaf = (v: RequestView) => boolean;

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

export function compileMatcher(m: RequestMatcher, ctx: CompileContext, prefix = 'match'): CompiledMatcher {
  const parts: { id: string; test: CompiledMatcher }[] = [];
  const leaf = (key: string, fn: Leaf) => {
    const id = `${prefix}.${key}`;
    ctx.leaf?.(id);
    parts.push({
      id,
      test: (v, trace) => {
        const ok = fn(v);
        if (ok && trace) trace.add(id);
        return ok;
      },
    });
  };

  if (m.path_in_list !== undefined) {
    const list = pathListOf(ctx.list(m.path_in_list));
    leaf(`path_in_list(${m.path_in_list})`, (v) => list.matches(v.path));
  }
  if (m.path_regex !== undefined) {
    const re = regexOf(m.path_regex, `${prefix}.path_regex`);
    leaf('path_regex', (v) => re.test(v.path));
  }
  if (m.query_in_list !== undefined) {
    const has = substringAny(ctx.list(m.query_in_list));
    leaf(`query_in_list(${m.query_in_list})`, (v) => v.query !== '' && has(v.query));
  }
  if (m.query_regex !== undefined) {
    const re = regexOf(m.query_regex, `${prefix}.query_regex`);
    leaf('query_regex', (v) => v.query !== '' && re.test(v.query));
  }
  if (m.anywhere_in_list !== undefined) {
    const has = substringAny(ctx.list(m.anywhere_in_list));
    leaf(`anywhere_in_list(${m.anywhere_in_list})`, (v) => anywhereFields(v).some(has));
  }
  if (m.anywhere_regex !== undefined) {
    const re = regexOf(m.anywhere_regex, `${prefix}.anywhere_regex`);
    leaf('anywhere_regex', (v) => anywhereFields(v).some((f) => f !== '' && re.test(f)));
  }
  if (m.ua_in_list !== undefined) {
    const has = substringAny(ctx.list(m.ua_in_list));
    leaf(`ua_in_list(${m.ua_in_list})`, (v) => v.ua !== '' && has(v.ua));
  }
  if (m.ua_regex !== undefined) {
    const re = regexOf(m.ua_regex, `${prefix}.ua_regex`);
    leaf('ua_regex', (v) => re.test(v.ua));
  }
  if (m.ua_empty !== undefined) {
    const want = m.ua_empty;
    leaf('ua_empty', (v) => (v.ua.trim() === '') === want);
  }
  if (m.referer_regex !== undefined) {
    const re = regexOf(m.referer_regex, `${prefix}.referer_regex`);
    leaf('referer_regex', (v) => re.test(v.referer));
  }
  if (m.protocol_regex !== undefined) {
    const re = regexOf(m.protocol_regex, `${prefix}.protocol_regex`);
    leaf('protocol_regex', (v) => re.test(v.hit.protocol.slice(0, 64)));
  }
  if (m.method_in !== undefined) {
    const set = new Set(m.method_in);
    leaf('method_in', (v) => set.has(v.hit.method));
  }
  if (m.status_in !== undefined) {
    const set = new Set(m.status_in);
    leaf('status_in', (v) => set.has(v.hit.status));
  }
  if (m.tag_in !== undefined) {
    const set = new Set<string>(m.tag_in);
    leaf('tag_in', (v) => v.hit.tag !== null && set.has(v.hit.tag));
  }
  if (m.any !== undefined) {
    const alts = m.any.map((a, i) => compileMatcher(a, ctx, `${prefix}.any[${i}]`));
    parts.push({
      id: `${prefix}.any`,
      test: (v, trace) => {
        if (!trace) return alts.some((a) => a(v));
        let ok = false;
        for (const a of alts) ok = a(v, trace) || ok;
        return ok;
      },
    });
  }
  if (m.not !== undefined) {
    const inner = compileMatcher(m.not, ctx, `${prefix}.not`);
    parts.push({ id: `${prefix}.not`, test: (v, trace) => !inner(v, trace) });
  }

  return (v, trace) => {
    if (!trace) return parts.every((p) => p.test(v));
    let ok = true;
    for (const p of parts) ok = p.test(v, trace) && ok;
    return ok;
  };
}
