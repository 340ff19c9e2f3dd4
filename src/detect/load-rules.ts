import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

import { PilloryError } from '../core/errors.ts';
import { ruleSchema, type RuleSpec } from './rule-schema.ts';
import { compileTree, type CompiledMatcher } from './compile-matcher.ts';
import { matcherTree, type MatcherNode } from './matcher-tree.ts';
import { readList } from './read-list.ts';
import { pathListOf, type PathList } from './path-list.ts';

/** A validated rule from data/rules/<id>/rule.yaml, with its request matcher compiled. */
export interface Rule extends RuleSpec {
  /** Folder the rule came from (its NOTE.md and samples.log live there). */
  dir: string;
  /** Per-request test; null when the rule only aggregates over every request. */
  test: CompiledMatcher | null;
  /** The same conditions as a tree of field-tagged leaves (the streaming detector classifies by field). */
  tree: MatcherNode | null;
  /** Ids of every leaf condition of `match`, for coverage checks. */
  leaves: string[];
  /** Paths that aggregate.ratio leaves out of both sides (from ratio.ignore_list). */
  ratioIgnore: PathList | null;
}

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../data/rules/', import.meta.url));

/** Every rule under `dir` (one folder each; `lists/` holds shared lists), sorted by id. */
export function loadRules(dir: string = DEFAULT_RULES_DIR): Rule[] {
  if (!existsSync(dir)) throw new PilloryError('RULES_MISSING', `rules folder not found: ${dir}`);
  const lists = new Map<string, string[]>();
  const rules: Rule[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'lists' || name.startsWith('.')) continue;
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    rules.push(loadRule(folder, name, dir, lists));
  }
  return rules;
}

function loadRule(folder: string, name: string, rulesDir: string, lists: Map<string, string[]>): Rule {
  const file = join(folder, 'rule.yaml');
  if (!existsSync(file)) throw new PilloryError('RULE_INVALID', `${file}: missing (every rule folder needs rule.yaml)`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new PilloryError('RULE_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const r = ruleSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `field ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new PilloryError('RULE_INVALID', `${file}: ${issues.join('; ')}`);
  }
  const spec = r.data;
  if (spec.id !== name) throw new PilloryError('RULE_INVALID', `${file}: field id: "${spec.id}" must equal the folder name "${name}"`);

  const list = (listName: string, field: string): string[] => {
    const cached = lists.get(listName);
    if (cached) return cached;
    const path = join(rulesDir, 'lists', listName);
    if (!existsSync(path)) throw new PilloryError('RULE_INVALID', `${file}: field ${field}: list ${listName} not found in ${join(rulesDir, 'lists')}`);
    const entries = readList(path);
    if (entries.length === 0) throw new PilloryError('RULE_INVALID', `${file}: field ${field}: list ${listName} is empty`);
    lists.set(listName, entries);
    return entries;
  };

  const leaves: string[] = [];
  let test: CompiledMatcher | null = null;
  let tree: MatcherNode | null = null;
  let ratioIgnore: PathList | null = null;
  try {
    if (spec.match) {
      tree = matcherTree(spec.match, { list: (n) => list(n, 'match') });
      test = compileTree(tree, { leaf: (id) => leaves.push(id) });
    }
    const ratio = spec.aggregate?.ratio;
    if (ratio?.ignore_list || ratio?.ignore_path_regex) {
      const byList = ratio.ignore_list ? pathListOf(list(ratio.ignore_list, 'aggregate.ratio.ignore_list')) : null;
      let re: RegExp | null = null;
      if (ratio.ignore_path_regex) {
        try { re = new RegExp(ratio.ignore_path_regex, 'i'); } catch (cause) {
          throw new PilloryError('RULE_INVALID', `${file}: field aggregate.ratio.ignore_path_regex: ${(cause as Error).message}`, { cause });
        }
      }
      ratioIgnore = { matches: (p: string) => (byList?.matches(p) ?? false) || (re?.test(p) ?? false) };
    }
  } catch (cause) {
    if (cause instanceof PilloryError) throw cause;
    throw new PilloryError('RULE_INVALID', `${file}: field ${(cause as Error).message}`, { cause });
  }
  return { ...spec, dir: folder, test, tree, leaves, ratioIgnore };
}
