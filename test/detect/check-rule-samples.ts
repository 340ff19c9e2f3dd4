import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Rule } from '../../src/detect/load-rules.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { viewOf } from '../../src/detect/request-view.ts';
import { parseCombined } from './combined-line.ts';

// The checks the generated rule test runs on one rule folder, as a function so that the checks
// themselves can be tested on broken folders (test/detect/rule-samples-checker.test.ts).

export interface Sample { expect: 'match' | 'no-match'; why: string; lineNo: number; lines: { no: number; text: string }[] }

export function readSamples(file: string): Sample[] {
  const out: Sample[] = [];
  let cur: Sample | null = null;
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    const no = i + 1;
    const ann = /^#\s*(match|no-match)\s*:\s*(.*)$/.exec(text);
    if (ann) {
      cur = { expect: ann[1] as Sample['expect'], why: ann[2]!, lineNo: no, lines: [] };
      out.push(cur);
    } else if (text.trim() === '') {
      cur = null;
    } else if (!text.startsWith('#')) {
      if (!cur) throw new Error(`${file}:${no}: sample line without a "# match:" or "# no-match:" annotation before it`);
      cur.lines.push({ no, text });
    }
  });
  return out;
}

/** Files, label and sample kinds: every problem names the rule. */
export function folderProblems(rule: Rule, labels: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const file = join(rule.dir, 'samples.log');
  if (!existsSync(join(rule.dir, 'NOTE.md'))) problems.push(`${rule.id}: NOTE.md missing`);
  if (!labels.has(rule.label)) problems.push(`${rule.id}: label "${rule.label}" is not in data/taxonomy.yaml`);
  if (!existsSync(file)) return [...problems, `${rule.id}: samples.log missing`];
  const samples = readSamples(file);
  if (!samples.some((s) => s.expect === 'match')) problems.push(`${rule.id}: no "# match" sample`);
  if (!samples.some((s) => s.expect === 'no-match')) problems.push(`${rule.id}: no "# no-match" sample`);
  return problems;
}

/**
 * Every sample agrees with the rule, every leaf condition of its `match` holds on some sample line,
 * and a rule with an aggregate has a no-match sample whose lines all pass `match`: one where the
 * aggregate's threshold, not a request condition, is what says no.
 */
export function sampleProblems(rule: Rule): string[] {
  const file = join(rule.dir, 'samples.log');
  if (!existsSync(file)) return [`${rule.id}: samples.log missing`];
  const fired = new Set<string>();
  const problems: string[] = [];
  let id = 1;
  let aggregateSaysNo = false;
  for (const s of readSamples(file)) {
    if (s.lines.length === 0) { problems.push(`${file}:${s.lineNo}: annotation without sample lines`); continue; }
    const hits = s.lines.map((l) => {
      const h = parseCombined(l.text, id++);
      if (!h) problems.push(`${file}:${l.no}: not a combined-format line`);
      return h;
    }).filter((h) => h !== null);
    if (rule.test) for (const h of hits) rule.test(viewOf(h), fired);
    if (s.expect === 'no-match' && hits.length === s.lines.length && hits.every((h) => !rule.test || rule.test(viewOf(h)))) aggregateSaysNo = true;
    const got = detectActor(hits, [rule], rule.requires === 'crawler-fake' ? { crawlerCheck: 'fake' } : {}).some((sig) => sig.ruleId === rule.id);
    if (got !== (s.expect === 'match')) {
      problems.push(`${file}:${s.lineNo}: rule ${rule.id} expected ${s.expect} (${s.why}) but it ${got ? 'fired' : 'did not fire'}`);
    }
  }
  if (rule.aggregate && !aggregateSaysNo) {
    problems.push(`${rule.id}: no no-match sample whose lines all pass match: the aggregate ${JSON.stringify(rule.aggregate)} is never what rejects a sample`);
  }
  for (const leaf of rule.leaves) {
    if (!fired.has(leaf)) problems.push(`${rule.id}: condition ${leaf} never holds on any sample line`);
  }
  return problems;
}
