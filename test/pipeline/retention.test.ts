import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { openWorkingCopy } from '../../src/snapshot/working-copy.ts';
import { pruneHits } from '../../src/pipeline/stage-retention.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { validateConfig } from '../../src/config/load-config.ts';

const DAY = 86_400_000;

function seed(db: Database.Database, actor: string, n: number, startTs: number): void {
  const ins = db.prepare(`INSERT INTO hits(actor, ip, ts, method, target, path, protocol, status, bytes, referer, ua, host, tag, raw, bad_utf8, run_id)
    VALUES (?, ?, ?, 'GET', '/x', '/x', 'HTTP/1.1', 404, 0, '', '', '', NULL, '', 0, 1)`);
  for (let i = 0; i < n; i++) ins.run(actor, actor, startTs + i * 1000);
}

describe('pruneHits', () => {
  it('drops requests older than the window except cited evidence, and caps touched actors', () => {
    const copy = openWorkingCopy(join(mkdtempSync(join(tmpdir(), 'pillory-ret-')), 's.sqlite'));
    const db = copy.db;
    const windowStart = 100 * DAY;
    seed(db, '192.0.2.1', 10, 10 * DAY); // ids 1..10, all old
    seed(db, '192.0.2.2', 300, 200 * DAY); // ids 11..310, all in the window
    db.prepare(`INSERT INTO signatures(actor, rule_id, family, label, title, description, points, severity, count, first_ts, last_ts, request_ids)
      VALUES ('192.0.2.1', 'r', 'f', 'l', 't', 'd', 10, 'low', 2, 0, 0, '[3,4]'), ('192.0.2.2', 'r', 'f', 'l', 't', 'd', 10, 'low', 1, 0, 0, '[11]')`).run();
    const removed = pruneHits(db, ['192.0.2.2'], windowStart, 100);
    const ids = (actor: string) => db.prepare(`SELECT id FROM hits WHERE actor = ? ORDER BY id`).pluck().all(actor) as number[];
    expect(ids('192.0.2.1')).toEqual([3, 4]); // evidence survives the window
    const kept = ids('192.0.2.2');
    expect(kept.length).toBe(101); // the newest 100 + the cited one
    expect(kept[0]).toBe(11);
    expect(kept[1]).toBe(211);
    expect(removed).toBe(8 + 199);
    copy.discard();
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
    // 01:30 +0200 is still 19 May in UTC
    expect(db.prepare(`SELECT day, requests FROM actor_days ORDER BY day`).all()).toEqual([
      { day: '2015-05-19', requests: 1 },
      { day: '2015-05-20', requests: 1 },
      { day: '2015-05-21', requests: 2 },
    ]);
    db.close();
  });
});
