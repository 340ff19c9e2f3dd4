import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_RULES_DIR, loadRules } from '../../src/detect/load-rules.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { scoreSignatures } from '../../src/score/score.ts';
import { folderProblems, sampleProblems } from './check-rule-samples.ts';
import { hit } from './make-hit.ts';

// The generated rule test must be able to fail: broken rule folders in a copy of data/rules, and
// the exact problems it reports for them (rule, file and line named). Also: a new rule is only files.

const root = mkdtempSync(join(tmpdir(), 'pillory-rule-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const LABELS = new Set(['admin-probe', 'exploit-attempt']);

function folder(id: string, yaml: string, samples: string | null, note = true): string {
  const dir = join(root, 'rules');
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(join(dir, id, 'rule.yaml'), `id: ${id}\ntitle: Test rule ${id}\ndescription: A rule the checker tests use.\n${yaml}`);
  if (samples !== null) writeFileSync(join(dir, id, 'samples.log'), samples);
  if (note) writeFileSync(join(dir, id, 'NOTE.md'), `# ${id}\n`);
  return dir;
}
const line = (path: string, status = 404, ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0') =>
  `203.0.113.10 - - [03/Dec/2026:10:00:00 +0000] "GET ${path} HTTP/1.1" ${status} 512 "-" "${ua}"`;

cpSync(join(DEFAULT_RULES_DIR, 'lists'), join(root, 'rules', 'lists'), { recursive: true });
folder('no-samples', 'family: t1\nlabel: admin-probe\nseverity: low\npoints: 10\nmatch:\n  path_regex: "^/x$"\n', null);
folder('unknown-label', 'family: t2\nlabel: not-a-label\nseverity: low\npoints: 10\nmatch:\n  path_regex: "^/x$"\n',
  `# match: x\n${line('/x')}\n\n# no-match: y\n${line('/y')}\n`, false);
folder('dead-condition', 'family: t3\nlabel: admin-probe\nseverity: low\npoints: 10\nmatch:\n  any:\n    - path_regex: "^/x$"\n    - ua_regex: "never-sent"\n',
  `# match: x\n${line('/x')}\n\n# no-match: y\n${line('/y')}\n`);
folder('disagrees', 'family: t4\nlabel: admin-probe\nseverity: low\npoints: 10\nmatch:\n  path_regex: "^/x$"\n  status_in: [404]\n',
  `# match: x\n${line('/x')}\n\n# no-match: a 404 for /x is wrongly marked harmless\n${line('/y')}\n${line('/x')}\n\n# match: a 200 cannot match\n${line('/x', 200)}\n`);
folder('untested-threshold', 'family: t5\nlabel: admin-probe\nseverity: low\npoints: 10\nmatch:\n  path_regex: "^/x"\naggregate:\n  min_count: 2\n',
  `# match: two\n${line('/x1')}\n${line('/x2')}\n\n# no-match: another path\n${line('/y')}\n`);
const rules = new Map(loadRules(join(root, 'rules')).map((r) => [r.id, r]));
const f = (id: string) => join(root, 'rules', id, 'samples.log');

describe('the rule sample checks report what is wrong, by rule and line', () => {
  it('a folder without samples.log', () => {
    expect(folderProblems(rules.get('no-samples')!, LABELS)).toEqual(['no-samples: samples.log missing']);
    expect(sampleProblems(rules.get('no-samples')!)).toEqual(['no-samples: samples.log missing']);
  });
  it('a label outside the taxonomy and a missing NOTE.md', () => {
    expect(folderProblems(rules.get('unknown-label')!, LABELS)).toEqual(['unknown-label: NOTE.md missing', 'unknown-label: label "not-a-label" is not in data/taxonomy.yaml']);
  });
  it('a condition that never holds on any sample', () => {
    expect(sampleProblems(rules.get('dead-condition')!)).toEqual(['dead-condition: condition match.any[1].ua_regex never holds on any sample line']);
  });
  it('an aggregate whose threshold no sample tests', () => {
    expect(sampleProblems(rules.get('untested-threshold')!)).toEqual(['untested-threshold: no no-match sample whose lines all pass match: the aggregate {"min_count":2} is never what rejects a sample']);
  });
  it('samples that disagree, each named by file and line', () => {
    expect(sampleProblems(rules.get('disagrees')!)).toEqual([
      `${f('disagrees')}:4: rule disagrees expected no-match (a 404 for /x is wrongly marked harmless) but it fired`,
      `${f('disagrees')}:8: rule disagrees expected match (a 200 cannot match) but it did not fire`,
    ]);
  });
});

describe('adding a rule is adding a folder', () => {
  it('a new folder beside the shipped rules is loaded, fires and scores with no code change', () => {
    const dir = join(root, 'with-new-rule');
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    mkdirSync(join(dir, 'acme-probe'));
    writeFileSync(join(dir, 'lists', 'acme-paths.txt'), '# a product this site does not run\n/acme/console\n');
    writeFileSync(join(dir, 'acme-probe', 'rule.yaml'),
      'id: acme-probe\ntitle: Probed the ACME console\ndescription: Asked for the console of a product this site does not run.\nfamily: acme\nlabel: exploit-attempt\nseverity: high\npoints: 35\nmatch:\n  path_in_list: acme-paths.txt\n');
    const all = loadRules(dir);
    expect(all.length).toBe(loadRules().length + 1);
    const r = scoreSignatures(detectActor([hit({ target: '/acme/console/login', status: 404 }), hit({ target: '/wp-login.php', status: 404, sec: 1 })], all));
    expect(r.signatures.map((s) => [s.ruleId, s.points])).toEqual([['acme-probe', 35], ['admin-panel-probe', 25]]);
    expect(r.score).toBe(60);
  });
});
