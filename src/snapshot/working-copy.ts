import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.ts';
import { ensurePageRevisions } from './page-revision.ts';
import { PilloryError } from '../core/errors.ts';

export type Db = Database.Database;

/**
 * A private copy of the snapshot that a run writes to. The live file is untouched until publish(),
 * which renames the copy over it (atomic on one file system). A run that dies leaves only a stray
 * temp file, which the next run removes.
 */
export interface WorkingCopy {
  db: Db;
  path: string;
  /** Close and rename over the live snapshot. */
  publish(): void;
  /** Close and delete the copy; the live snapshot stays as it was. */
  discard(): void;
}

export function openWorkingCopy(livePath: string, suffix = `${process.pid}`): WorkingCopy {
  mkdirSync(dirname(livePath), { recursive: true });
  const prefix = `.${basename(livePath)}.`;
  // the caller holds the run lock, so any copy left here belongs to a run that died
  for (const f of readdirSync(dirname(livePath))) {
    if (f.startsWith(prefix) && f.endsWith('.tmp')) rmSync(join(dirname(livePath), f), { force: true });
  }
  const tmp = join(dirname(livePath), `${prefix}${suffix}.tmp`);
  if (existsSync(livePath)) copyFileSync(livePath, tmp);
  const db = new Database(tmp);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = NORMAL');
  initSchema(db, livePath);
  let open = true;
  const close = () => {
    if (open) db.close();
    open = false;
  };
  return {
    db,
    path: tmp,
    publish() {
      close();
      fsyncFile(tmp);
      renameSync(tmp, livePath);
      fsyncFile(dirname(livePath));
    },
    discard() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}

function initSchema(db: Db, livePath: string): void {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'`).get();
  if (hasMeta) {
    const row = db.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get() as { value: string } | undefined;
    const v = Number(row?.value ?? 0);
    if (v > SCHEMA_VERSION) {
      throw new PilloryError('SNAPSHOT_TOO_NEW', `${livePath} has schema version ${v}; this Pillory reads up to ${SCHEMA_VERSION}. Upgrade Pillory or point --db at another file.`);
    }
  }
  const from = hasMeta ? Number((db.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get() as { value: string } | undefined)?.value ?? 0) : SCHEMA_VERSION;
  db.exec(SCHEMA_SQL);
  addMissingColumns(db, 'actors', {
    dnsbl_points: 'INTEGER NOT NULL DEFAULT 0', dnsbl_reason: 'TEXT', abuse_email: 'TEXT', abuse_source: 'TEXT', abuse_network: 'TEXT',
  });
  addMissingColumns(db, 'actors', {
    peak_at: 'INTEGER', drops_below_at: 'INTEGER', status: "TEXT NOT NULL DEFAULT 'none'", expired_at: 'INTEGER',
    in_blocklist: 'INTEGER NOT NULL DEFAULT 0', shared: 'INTEGER NOT NULL DEFAULT 0', shared_reason: 'TEXT', scanner: 'TEXT',
  });
  addMissingColumns(db, 'actors', { evidence_score: 'INTEGER NOT NULL DEFAULT 0', corroboration: 'INTEGER NOT NULL DEFAULT 0' });
  addMissingColumns(db, 'dnsbl', { since: 'INTEGER' });
  addMissingColumns(db, 'actors', { user_agents: 'INTEGER NOT NULL DEFAULT 0', activity: 'TEXT' });
  if (from < 2) upgradeFromV1(db);
  ensurePageRevisions(db);
  db.prepare(`INSERT INTO meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`).run(String(SCHEMA_VERSION));
}

/**
 * Version 1 stored every request and had no detection state. The requests a signature cites stay
 * (pages keep their evidence); the others go, and the actors' detection starts afresh from the next
 * run (their signatures, scores and history stay until then). New request ids continue after the old.
 */
function upgradeFromV1(db: Db): void {
  const hasHits = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='hits'`).get();
  if (!hasHits) return;
  const next = Number(db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM hits`).pluck().get());
  // version 1 kept no newest_ts: without it, `--as-of newest` on a night with no new line scored as of now
  const newest = db.prepare(`SELECT max(ts) FROM hits`).pluck().get() as number | null;
  if (newest !== null) db.prepare(`INSERT INTO meta(key, value) VALUES ('newest_ts', ?) ON CONFLICT(key) DO NOTHING`).run(String(newest));
  db.exec(`DELETE FROM hits WHERE id NOT IN (SELECT j.value FROM signatures s, json_each(s.request_ids) j)`);
  db.exec(`DELETE FROM actor_ips WHERE actor IN (SELECT key FROM actors WHERE raw_score = 0 AND crawler IS NULL AND published = 0 AND status = 'none')`);
  db.exec(`DELETE FROM actors WHERE raw_score = 0 AND crawler IS NULL AND published = 0 AND status = 'none'`);
  db.prepare(`INSERT INTO meta(key, value) VALUES ('next_hit_id', ?) ON CONFLICT(key) DO NOTHING`).run(String(next));
  const days = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='actor_days'`).get();
  if (days) {
    // keep the per-day history of notable actors in the activity column the site reads now
    const rows = db.prepare(`SELECT actor, day, requests FROM actor_days ORDER BY actor, day`).all() as { actor: string; day: string; requests: number }[];
    const byActor = new Map<string, [number, number][]>();
    for (const r of rows) {
      const list = byActor.get(r.actor) ?? [];
      list.push([Date.parse(`${r.day}T00:00:00Z`), r.requests]);
      byActor.set(r.actor, list);
    }
    const up = db.prepare(`UPDATE actors SET activity = ? WHERE key = ?`);
    for (const [actor, d] of byActor) up.run(JSON.stringify({ days: d, hours: Array<number>(24).fill(0), statuses: [] }), actor);
    db.exec(`DROP TABLE actor_days`);
  }
}

/** Columns added after a snapshot was first written: ALTER TABLE for the ones an older file lacks. */
function addMissingColumns(db: Db, table: string, columns: Record<string, string>): void {
  const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  for (const [name, type] of Object.entries(columns)) {
    if (!have.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
  }
}

function fsyncFile(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // some file systems refuse fsync on directories; the rename is still atomic
  }
}

export function setMeta(db: Db, entries: Record<string, string | number>): void {
  const stmt = db.prepare(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`);
  for (const [k, v] of Object.entries(entries)) stmt.run(k, String(v));
}
