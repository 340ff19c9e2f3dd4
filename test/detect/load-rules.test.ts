import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { loadRules } from '../../src/detect/load-rules.ts';
import { PilloryError } from '../../src/core/errors.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const GOOD = `id: demo
title: Demo rule
description: A rule used by the loader tests.
family: demo
label: admin-probe
severity: low
points: 10
match:
  path_in_list: demo.txt
`;

function rulesDir(yaml: string, folder = 'demo', list: string | null = '/demo\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-rules-'));
  dirs.push(dir);
  mkdirSync(join(dir, folder));
  mkdirSync(join(dir, 'lists'));
  writeFileSync(join(dir, folder, 'rule.yaml'), yaml);
  if (list !== null) writeFileSync(join(dir, 'lists', 'demo.txt'), list);
  return dir;
}

function errorOf(dir: string): PilloryError {
  try { loadRules(dir); } catch (e) { return e as PilloryError; }
  throw new Error('loadRules did not throw');
}

describe('loadRules', () => {
  it('loads the shipped rules, sorted by id, with compiled matchers', () => {
    const rules = loadRules();
    expect(rules.length).toBeGreaterThanOrEqual(20);
    expect(rules.map((r) => r.id)).toEqual([...rules.map((r) => r.id)].sort());
    expect(rules.find((r) => r.id === 'exploit-path')!.points).toBe(70);
  });

  it('loads a minimal rule folder', () => {
    const [r] = loadRules(rulesDir(GOOD));
    expect(r!.id).toBe('demo');
    expect(r!.leaves).toEqual(['match.path_in_list(demo.txt)']);
  });

  it.each<[string, string, string | null, string, RegExp]>([
    ['points out of range', GOOD.replace('points: 10', 'points: 140'), '/demo\n', 'demo', /demo[/\\]rule\.yaml: field points/],
    ['unknown matcher', GOOD.replace('path_in_list', 'path_in_lsit'), '/demo\n', 'demo', /field match.*path_in_lsit|field match/],
    ['id differs from folder', GOOD, '/demo\n', 'other', /other[/\\]rule\.yaml: field id/],
    ['missing list', GOOD, null, 'demo', /rule\.yaml: field match: list demo\.txt not found/],
    ['bad regex', GOOD.replace('path_in_list: demo.txt', "path_regex: '(['"), '/demo\n', 'demo', /rule\.yaml: field match\.path_regex/],
    ['bad severity', GOOD.replace('severity: low', 'severity: huge'), '/demo\n', 'demo', /rule\.yaml: field severity/],
  ])('%s → PilloryError naming file and field', (_n, yaml, list, folder, msg) => {
    const e = errorOf(rulesDir(yaml, folder, list));
    expect(e).toBeInstanceOf(PilloryError);
    expect(e.code).toBe('RULE_INVALID');
    expect(e.message).toMatch(msg);
  });
});
