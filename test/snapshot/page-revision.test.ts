// The page revision token (src/snapshot/page-revision.ts) stands in for an actor's rows when the
// site decides which report pages to render again. It is only safe if every change the report reader
// can see moves it: these tests change every column of every table a report reads, one at a time,
// and compare the token with a hash of the rows the reader gives (SnapshotReader.rowDigests()).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotReader } from '../../src/lib/snapshot.ts';
import { ensurePageRevisions, NOT_ON_REPORT_PAGES } from '../../src/snapshot/page-revision.ts';
import { FIXTURE, makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';

let dir: string;
let file: string;
let db: Database.Database;
const KEY = FIXTURE.v4.key;

interface Seen { rev: string | undefined; rows: string | undefined }

/** The token and the rows hash of every actor with a page, from a fresh reader. */
function look(): Map<string, Seen> {
  const r = new SnapshotReader(file);
  try {
    const revs = r.pageRevisions();
    const rows = new Map(r.rowDigests(r.pages().map((a) => a.key)));
    const keys = new Set([...revs.keys(), ...rows.keys()]);
    return new Map([...keys].map((k) => [k, { rev: revs.get(k), rows: rows.get(k) }]));
  } finally {
    r.close();
  }
}

/** Runs `change` and says, per actor, whether its rows (as the reader gives them) and its token moved. */
function after(change: () => void): Map<string, { rows: boolean; rev: boolean }> {
  const before = look();
  change();
  const now = look();
  const out = new Map<string, { rows: boolean; rev: boolean }>();
  for (const [k, b] of before) {
    const n = now.get(k) ?? { rev: undefined, rows: undefined };
    out.set(k, { rows: b.rows !== n.rows, rev: b.rev !== n.rev });
  }
  return out;
}

/** A different value of the same kind, so constraints hold (slugs stay well-formed, JSON stays JSON). */
function another(column: string, value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (value === null) return column.endsWith('_at') || column.endsWith('_seen') || column.endsWith('_ts') ? 1 : 'x';
  const s = String(value);
  if (s.startsWith('{') || s.startsWith('[')) {
    const v = JSON.parse(s) as unknown;
    return JSON.stringify(Array.isArray(v) ? [...v, v[0] ?? 1] : { ...(v as object), days: [[0, 1]] });
  }
  return `${s}-x`;
}

const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[]);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-rev-'));
  file = path.join(dir, 'snapshot.sqlite');
  makeFixtureSnapshot(file);
  db = new Database(file);
});
afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every actor with a page has a token', () => {
  it('one per actor, all different', () => {
    const seen = look();
    expect(seen.size).toBeGreaterThan(5);
    const revs = [...seen.values()].map((s) => s.rev);
    expect(revs.every((r) => typeof r === 'string' && /^[0-9a-f]{16}$/.test(r))).toBe(true);
    expect(new Set(revs).size).toBe(revs.length);
  });
});

describe('a change to a column of the actor row', () => {
  const skip = new Set(['key', 'slug']); // identity: a changed key or slug is another page
  it('moves the token whenever the rows the page is made from change, and for every column a page shows', () => {
    for (const { name } of columns('actors')) {
      if (skip.has(name) || name === 'page_rev') continue;
      const old = db.prepare(`SELECT ${name} AS v FROM actors WHERE key = ?`).get(KEY) as { v: unknown };
      const moved = after(() => db.prepare(`UPDATE actors SET ${name} = ? WHERE key = ?`).run(another(name, old.v) as never, KEY)).get(KEY)!;
      db.prepare(`UPDATE actors SET ${name} = ? WHERE key = ?`).run(old.v as never, KEY);
      const shown = !(NOT_ON_REPORT_PAGES as readonly string[]).includes(name);
      // a column left out of the token must be one the report reader does not read
      expect({ column: name, rowsMoved: moved.rows, revMoved: moved.rev }).toEqual({ column: name, rowsMoved: shown ? moved.rows : false, revMoved: shown });
    }
  });

  it('leaves the other actors alone', () => {
    const moved = after(() => db.prepare(`UPDATE actors SET city = 'Elsewhere' WHERE key = ?`).run(KEY));
    const others = [...moved].filter(([k]) => k !== KEY);
    expect(others.length).toBeGreaterThan(3);
    expect(others.filter(([, m]) => m.rev || m.rows)).toEqual([]);
  });

  it('does not move for the nightly writes that change nothing a page shows (today’s score, the same values again)', () => {
    const moved = after(() => {
      db.exec(`UPDATE actors SET score = max(0, score - 3), evidence_score = max(0, evidence_score - 3), verdict = 'high', updated_at = updated_at + 1`);
      db.exec(`UPDATE actors SET country = country, asn = asn, org = org, activity = activity`);
      db.exec(`UPDATE dnsbl SET checked_at = checked_at + 86400000`);
    });
    expect([...moved.values()].some((m) => m.rev || m.rows)).toBe(false);
  });
});

describe('a change to the rows of a table a report reads', () => {
  for (const table of ['actor_ips', 'signatures', 'hits', 'dnsbl']) {
    it(`${table}: every column updated, a row deleted, a row added`, () => {
      const key = (db.prepare(`SELECT actor FROM ${table} GROUP BY actor ORDER BY count(*) DESC, actor LIMIT 1`).get() as { actor: string }).actor;
      const info = columns(table);
      const cols = info.map((c) => c.name).filter((c) => c !== 'actor');
      // hits.id is the rowid itself: a new value must be one no other row has, and the row is found by it after
      const rowidAlias = info.find((c) => c.pk === 1 && info.filter((x) => x.pk > 0).length === 1 && /^id$/.test(c.name))?.name;
      const row = () => db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE actor = ? ORDER BY rowid LIMIT 1`).get(key) as Record<string, unknown>;
      for (const c of cols) {
        const r = row();
        const value = c === rowidAlias ? Number(db.prepare(`SELECT max(rowid) FROM ${table}`).pluck().get()) + 1000 : another(c, r[c]);
        const moved = after(() => db.prepare(`UPDATE ${table} SET ${c} = ? WHERE rowid = ?`).run(value as never, r._rowid as never)).get(key)!;
        db.prepare(`UPDATE ${table} SET ${c} = ? WHERE rowid = ?`).run(r[c] as never, (c === rowidAlias ? value : r._rowid) as never);
        // dnsbl.checked_at is the one column left out: the page shows since, not when it was checked
        const shown = !(table === 'dnsbl' && c === 'checked_at');
        expect({ table, column: c, rowsMoved: moved.rows, revMoved: moved.rev }).toEqual({ table, column: c, rowsMoved: shown ? moved.rows : false, revMoved: shown });
      }
      const r = row();
      const { _rowid: rowid, ...values } = r;
      const names = Object.keys(values);
      const insert = db.prepare(`INSERT INTO ${table}(${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
      expect(after(() => db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(rowid as never)).get(key)).toEqual({ rows: expect.any(Boolean), rev: true });
      expect(after(() => insert.run(...(Object.values(values) as never[]))).get(key)).toEqual({ rows: expect.any(Boolean), rev: true });
    });
  }

  it('a row moved to another actor moves both tokens', () => {
    const other = FIXTURE.v6.key;
    const moved = after(() => db.prepare(`UPDATE actor_ips SET actor = ? WHERE actor = ?`).run(other, KEY));
    expect(moved.get(KEY)).toEqual({ rows: true, rev: true });
    expect(moved.get(other)).toEqual({ rows: true, rev: true });
  });
});

describe('an older snapshot', () => {
  it('gets a token for every actor and the triggers when opened for writing; reopening keeps the tokens', () => {
    const legacy = path.join(dir, 'legacy.sqlite');
    makeFixtureSnapshot(legacy, { pageRevisions: false });
    const read = () => {
      const r = new SnapshotReader(legacy);
      try { return r.pageRevisions(); } finally { r.close(); }
    };
    expect(read().size).toBe(0);
    const w = new Database(legacy);
    ensurePageRevisions(w);
    const first = read();
    expect(first.size).toBeGreaterThan(5);
    ensurePageRevisions(w);
    expect(read()).toEqual(first);
    w.prepare(`UPDATE actors SET city = 'Moved' WHERE key = ?`).run(KEY);
    const now = read();
    w.close();
    expect(now.get(KEY)).not.toBe(first.get(KEY));
    expect([...now].filter(([k, v]) => k !== KEY && first.get(k) !== v)).toEqual([]);
  });
});
