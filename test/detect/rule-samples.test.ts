import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadRules, type Rule } from '../../src/detect/load-rules.ts';
import { loadTaxonomy } from '../../src/detect/taxonomy.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { viewOf } from '../../src/detect/request-view.ts';
import { parseCombined } from './combined-line.ts';

// Generated from data/rules/: every rule folder must carry annotated samples that agree with it,
// and every condition of its matcher must hold on at least one sample line.

interface Sample { expect: 'match' | 'no-match'; why: string; lineNo: number; lines: { no: number; text: string }[] }

function readSamples(file: string): Sample[] {
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

const rules = loadRules();
const labels = new Set(loadTaxonomy().map((l) => l.id));

describe.each(rules.map((r) => [r.id, r] as const))('rule %s', (_id, rule: Rule) => {
  const file = join(rule.dir, 'samples.log');

  it('has NOTE.md, a taxonomy label and samples of both kinds', () => {
    expect(existsSync(join(rule.dir, 'NOTE.md')), `${rule.id}: NOTE.md missing`).toBe(true);
    expect(labels.has(rule.label), `${rule.id}: label "${rule.label}" is not in data/taxonomy.yaml`).toBe(true);
    expect(existsSync(file), `${rule.id}: samples.log missing`).toBe(true);
    const samples = readSamples(file);
    expect(samples.filter((s) => s.expect === 'match').length, `${rule.id}: no "# match" sample`).toBeGreaterThan(0);
    expect(samples.filter((s) => s.expect === 'no-match').length, `${rule.id}: no "# no-match" sample`).toBeGreaterThan(0);
  });

  it('agrees with every sample, and every condition fires on some sample', () => {
    const fired = new Set<string>();
    const problems: string[] = [];
    let id = 1;
    for (const s of readSamples(file)) {
      if (s.lines.length === 0) { problems.push(`${file}:${s.lineNo}: annotation without sample lines`); continue; }
      const hits = s.lines.map((l) => {
        const h = parseCombined(l.text, id++);
        if (!h) problems.push(`${file}:${l.no}: not a combined-format line`);
        return h;
      }).filter((h) => h !== null);
      if (rule.test) for (const h of hits) rule.test(viewOf(h), fired);
      const got = detectActor(hits, [rule], rule.requires === 'crawler-fake' ? { crawlerCheck: 'fake' } : {}).some((sig) => sig.ruleId === rule.id);
      if (got !== (s.expect === 'match')) {
        problems.push(`${file}:${s.lineNo}: expected ${s.expect} (${s.why}) but the rule ${got ? 'fired' : 'did not fire'}`);
      }
    }
    for (const leaf of rule.leaves) {
      if (!fired.has(leaf)) problems.push(`${rule.id}: condition ${leaf} never holds on any sample line`);
    }
    expect(problems).toEqual([]);
  });
});
