import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openWorkingCopy } from '../../src/snapshot/working-copy.ts';
import { SCHEMA_VERSION } from '../../src/snapshot/schema.ts';

// A schema-1 snapshot stored every request, and per-day counts in actor_days. Opened by this
// version, it keeps what pages cite and show, and drops the rest.

describe('opening a schema 1 snapshot', () => {
  it('keeps cited requests, per-day history and the newest request time, drops the other requests, and numbers new ones after the old', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pillory-v1-')), 's.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE hits (id INTEGER PRIMARY KEY, actor TEXT NOT NULL, ip TEXT NOT NULL, ts INTEGER NOT NULL, method TEXT NOT NULL, target TEXT NOT NULL,
        path TEXT NOT NULL, protocol TEXT NOT NULL, status INTEGER NOT NULL, bytes INTEGER NOT NULL, referer TEXT NOT NULL, ua TEXT NOT NULL,
        host TEXT NOT NULL, tag TEXT, raw TEXT NOT NULL, bad_utf8 INTEGER NOT NULL, run_id INTEGER NOT NULL);
      CREATE TABLE actor_days (actor TEXT NOT NULL, day TEXT NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (actor, day)) WITHOUT ROWID;
      CREATE TABLE signatures (actor TEXT NOT NULL, rule_id TEXT NOT NULL, family TEXT NOT NULL, label TEXT NOT NULL, title TEXT NOT NULL,
        description TEXT NOT NULL, points INTEGER NOT NULL, severity TEXT NOT NULL, count INTEGER NOT NULL, first_ts INTEGER NOT NULL,
        last_ts INTEGER NOT NULL, request_ids TEXT NOT NULL, PRIMARY KEY (actor, rule_id));
      CREATE TABLE actors (key TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, family INTEGER NOT NULL, requests INTEGER NOT NULL,
        first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, score INTEGER NOT NULL, raw_score INTEGER NOT NULL, peak_score INTEGER NOT NULL,
        verdict TEXT NOT NULL, last_offence INTEGER, published INTEGER NOT NULL, first_published INTEGER, excluded TEXT, country TEXT,
        country_name TEXT, region TEXT, city TEXT, asn INTEGER, org TEXT, network_type TEXT NOT NULL DEFAULT 'unknown', network_reason TEXT,
        geo_source TEXT, crawler TEXT, crawler_check TEXT, updated_at INTEGER NOT NULL);
    `);
    const hit = old.prepare(`INSERT INTO hits VALUES (?, ?, ?, ?, 'GET', '/x', '/x', 'HTTP/1.1', 404, 0, '', '', '', NULL, '', 0, 1)`);
    for (const [id, actor] of [[1, '192.0.2.1'], [2, '192.0.2.1'], [3, '192.0.2.1'], [7, '192.0.2.2']] as const) hit.run(id, actor, actor, Date.UTC(2015, 4, 19) + id * 60_000);
    old.prepare(`INSERT INTO signatures VALUES ('192.0.2.1', 'secret-file-probe', 'f', 'l', 't', 'd', 35, 'medium', 2, 0, 0, '[1,3]')`).run();
    old.prepare(`INSERT INTO actor_days VALUES ('192.0.2.1', '2015-05-19', 2), ('192.0.2.1', '2015-05-20', 1), ('192.0.2.2', '2015-05-20', 1)`).run();
    const actor = old.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, published, updated_at)
      VALUES (?, ?, 4, ?, 0, 0, ?, ?, ?, ?, 0, 0)`);
    actor.run('192.0.2.1', '192.0.2.1', 3, 35, 35, 35, 'low');
    actor.run('192.0.2.2', '192.0.2.2', 1, 0, 0, 0, 'none');
    old.close();

    const copy = openWorkingCopy(file);
    const db = copy.db;
    const ids = db.prepare(`SELECT id FROM hits ORDER BY id`).pluck().all();
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    const actors = db.prepare(`SELECT key, activity FROM actors ORDER BY key`).all() as { key: string; activity: string }[];
    const next = db.prepare(`SELECT value FROM meta WHERE key = 'next_hit_id'`).pluck().get();
    const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get();
    const newest = db.prepare(`SELECT value FROM meta WHERE key = 'newest_ts'`).pluck().get();
    copy.discard();
    expect(ids).toEqual([1, 3]);
    expect(tables).toContain('actor_state');
    expect(tables).not.toContain('actor_days');
    // the actor nothing fired for is no longer a row (only actors worth a look are); the other keeps its days
    expect(actors.map((a) => a.key)).toEqual(['192.0.2.1']);
    expect(JSON.parse(actors[0]!.activity).days).toEqual([[Date.UTC(2015, 4, 19), 2], [Date.UTC(2015, 4, 20), 1]]);
    expect(next).toBe('8');
    // the newest request read so far, of all the old ones (a request not kept still happened): what
    // --as-of newest scores against when a night brings no new line
    expect(newest).toBe(String(Date.UTC(2015, 4, 19) + 7 * 60_000));
    expect(version).toBe(String(SCHEMA_VERSION));
  });
});
