import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { openWorkingCopy } from '../../src/snapshot/working-copy.ts';
import { pruneStates } from '../../src/pipeline/stage-retention.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { validateConfig } from '../../src/config/load-config.ts';

const DAY = 86_400_000;

function seed(db: Database.Database, actor: string, ids: number[], ts: number): void {
  const ins = db.prepare(`INSERT INTO hits(id, actor, ip, ts, method, target, path, protocol, status, bytes, referer, ua, host, tag, raw, bad_utf8, run_id)
    VALUES (?, ?, ?, ?, 'GET', '/x', '/x', 'HTTP/1.1', 404, 0, '', '', '', NULL, '', 0, 1)`);
  for (const id of ids) ins.run(id, actor, actor, ts);
}

describe('pruneStates', () => {
  it('drops the state of actors quiet for longer than the window, and stored requests only that state could cite', () => {
    const copy = openWorkingCopy(join(mkdtempSync(join(tmpdir(), 'pillory-ret-')), 's.sqlite'));
    const db = copy.db;
    const state = db.prepare(`INSERT INTO actor_state(key, requests, first_seen, last_seen, state) VALUES (?, 1, ?, ?, x'00')`);
    state.run('192.0.2.1', 10 * DAY, 10 * DAY); // quiet since day 10
    state.run('192.0.2.2', 200 * DAY, 200 * DAY); // active
    seed(db, '192.0.2.1', [1, 2, 3, 4], 10 * DAY);
    seed(db, '192.0.2.2', [11, 12], 200 * DAY);
    seed(db, '192.0.2.3', [21], 5 * DAY); // no state left, no signature: nobody's evidence
    db.prepare(`INSERT INTO signatures(actor, rule_id, family, label, title, description, points, severity, count, first_ts, last_ts, request_ids)
      VALUES ('192.0.2.1', 'r', 'f', 'l', 't', 'd', 10, 'low', 2, 0, 0, '[3,4]')`).run();
    const removed = pruneStates(db, 100 * DAY);
    const ids = db.prepare(`SELECT id FROM hits ORDER BY id`).pluck().all();
    const states = db.prepare(`SELECT key FROM actor_state ORDER BY key`).pluck().all();
    copy.discard();
    expect(states).toEqual(['192.0.2.2']);
    // the quiet actor's page keeps its evidence; an active actor's requests are its state's business
    expect(ids).toEqual([3, 4, 11, 12]);
    expect(removed).toBe(3);
  });
});

describe('per-day history', () => {
  it('counts requests per actor per UTC day and keeps them across nights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-days-'));
    const line = (d: string, t: string) => `195.250.34.144 - - [${d}/May/2015:${t} +0200] "GET /wp-login.php HTTP/1.1" 404 1 "-" "-"`;
    writeFileSync(join(dir, 'a.log'), [line('20', '01:30:00'), line('20', '03:00:00'), line('21', '12:00:00'), ''].join('\n'));
    const cfg = { ...validateConfig({ asOf: 'newest', offline: true }, 't'), logs: [join(dir, 'a.log')], db: join(dir, 's.sqlite') };
    const deps = { now: () => Date.UTC(2026, 0, 1), log: () => {} };
    (await runNightly(cfg, deps)).copy.publish();
    writeFileSync(join(dir, 'b.log'), `${line('21', '13:00:00')}\n`);
    (await runNightly({ ...cfg, logs: [join(dir, 'a.log'), join(dir, 'b.log')] }, deps)).copy.publish();
    const db = new Database(cfg.db, { readonly: true });
    const activity = JSON.parse(db.prepare(`SELECT activity FROM actors WHERE key = '195.250.34.144'`).pluck().get() as string);
    db.close();
    // 01:30 +0200 is still 19 May in UTC
    expect(activity.days).toEqual([[Date.UTC(2015, 4, 19), 1], [Date.UTC(2015, 4, 20), 1], [Date.UTC(2015, 4, 21), 2]]);
    expect(activity.hours[23]).toBe(1);
    expect(activity.statuses).toEqual([[4, 4]]);
  });
});
