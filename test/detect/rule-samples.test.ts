import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { DEFAULT_RULES_DIR, loadRules, type Rule } from '../../src/detect/load-rules.ts';
import { loadTaxonomy } from '../../src/detect/taxonomy.ts';
import { folderProblems, sampleProblems } from './check-rule-samples.ts';

// Generated from data/rules/: every rule folder must carry a note, a taxonomy label and annotated
// samples that agree with it, and every condition of its matcher must hold on at least one sample
// line. A failure names the rule and the sample's file and line.

const rules = loadRules();
const labels = new Set(loadTaxonomy().map((l) => l.id));

it('walks every rule folder (none skipped by the loader)', () => {
  const folders = readdirSync(DEFAULT_RULES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'lists').map((e) => e.name);
  expect(rules.map((r) => r.id)).toEqual(folders.sort());
  expect(rules.length).toBeGreaterThanOrEqual(43);
});

describe.each(rules.map((r) => [r.id, r] as const))('rule %s', (_id, rule: Rule) => {
  it('has NOTE.md, a taxonomy label and samples of both kinds', () => {
    expect(folderProblems(rule, labels)).toEqual([]);
  });

  it('agrees with every sample, and every condition fires on some sample', () => {
    expect(sampleProblems(rule)).toEqual([]);
  });
});
