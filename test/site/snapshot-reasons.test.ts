// SnapshotReader.reasons() over many actors: each keeps its own rules and labels, and actors that
// fired the same rules share one frozen entry (a render worker holds the map for every published actor).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotReader } from '../../src/lib/snapshot.ts';
import { makeSyntheticSnapshot } from '../../scripts/bench/synthetic-snapshot.ts';
import { makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pillory-reasons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
makeFixtureSnapshot(path.join(dir, 'fixture.sqlite'));
makeSyntheticSnapshot({ base: path.join(dir, 'fixture.sqlite'), out: path.join(dir, 's.sqlite'), actors: 60, seed: 11 });

describe('SnapshotReader.reasons()', () => {
  it('gives every published actor its own rules, strongest first, and its labels once each, as the signatures table says', () => {
    const db = new Database(path.join(dir, 's.sqlite'), { readonly: true });
    const rows = db.prepare(`SELECT s.actor, s.rule_id, s.label FROM signatures s JOIN actors a ON a.key = s.actor
      WHERE a.published = 1 ORDER BY s.actor, s.points DESC, s.rule_id`).all() as { actor: string; rule_id: string; label: string }[];
    db.close();
    const want = new Map<string, { rules: string[]; labels: string[] }>();
    for (const r of rows) {
      const e = want.get(r.actor) ?? { rules: [], labels: [] };
      e.rules.push(r.rule_id);
      if (!e.labels.includes(r.label)) e.labels.push(r.label);
      want.set(r.actor, e);
    }
    const reader = new SnapshotReader(path.join(dir, 's.sqlite'));
    const got = reader.reasons();
    expect(got.size).toBe(want.size);
    expect(got.size).toBeGreaterThanOrEqual(60);
    for (const [actor, e] of want) expect(got.get(actor)).toEqual(e);
    reader.close();
  });

  it('shares one frozen entry among the actors that fired the same rules', () => {
    const reader = new SnapshotReader(path.join(dir, 's.sqlite'));
    const got = [...reader.reasons().values()];
    const distinct = new Set(got);
    const byContent = new Set(got.map((e) => JSON.stringify(e)));
    // as many entries as different rule sets, far fewer than actors (the synthetic actors copy five templates)
    expect(distinct.size).toBe(byContent.size);
    expect(distinct.size).toBeLessThan(got.length / 4);
    expect(Object.isFrozen(got[0])).toBe(true);
    expect(Object.isFrozen(got[0]!.rules)).toBe(true);
    reader.close();
  });
});
