import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { ownerOfLine } from '../../src/ingest/line-owner.ts';

// Two detection threads, each taking the clients that hash to it, must leave exactly the snapshot one
// thread leaves: same accounting, states, signatures, stored evidence and checkpoints.

const DEMO = fileURLToPath(new URL('../../data/demo/', import.meta.url));
const deps = { now: () => Date.UTC(2026, 11, 4), log: () => {} };

function snapshotOf(file: string) {
  const d = new Database(file, { readonly: true });
  try {
    return {
      runs: d.prepare('SELECT lines_read, lines_parsed, skipped_json FROM runs ORDER BY id').all(),
      states: d.prepare('SELECT key, requests, first_seen, last_seen, hex(state) AS state FROM actor_state ORDER BY key').all(),
      actors: d.prepare('SELECT key, requests, raw_score, crawler, user_agents, activity FROM actors ORDER BY key').all(),
      signatures: d.prepare('SELECT actor, rule_id, count, first_ts, last_ts, request_ids FROM signatures ORDER BY actor, rule_id').all(),
      hits: d.prepare('SELECT id, actor, ip, ts, method, target, path, status, ua, referer, tag, raw, bad_utf8 FROM hits ORDER BY id').all(),
      ips: d.prepare('SELECT * FROM actor_ips ORDER BY actor, ip').all(),
      files: d.prepare('SELECT fingerprint, offset, lines FROM files ORDER BY fingerprint').all(),
      meta: d.prepare(`SELECT key, value FROM meta WHERE key IN ('next_hit_id', 'newest_ts') ORDER BY key`).all(),
    };
  } finally {
    d.close();
  }
}

describe('one detection thread or two', () => {
  let dir: string;
  let logs: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-threads-'));
    // the demo logs, plus IPv6 clients in one /64, IPv4-mapped addresses, vhost lines and junk (after both, in time)
    const extra = join(dir, 'extra.log');
    writeFileSync(extra, [
      '2001:db8:5:6::1 - - [01/Nov/2015:10:00:00 +0000] "GET /wp-login.php HTTP/1.1" 404 1 "-" "x"',
      '2001:db8:5:6::2 - - [01/Nov/2015:10:00:01 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"',
      '[2001:db8:5:6::3]:443 - - [01/Nov/2015:10:00:02 +0000] "GET /.git/config HTTP/1.1" 404 1 "-" "x"',
      '::ffff:83.149.9.216 - - [01/Nov/2015:10:00:03 +0000] "GET /administrator/ HTTP/1.1" 404 1 "-" "x"',
      'www.example.com 83.149.9.216 - - [01/Nov/2015:10:00:04 +0000] "GET /phpmyadmin/ HTTP/1.1" 404 1 "-" "x"',
      'garbage line',
      '',
      '',
    ].join('\n'));
    logs = [join(DEMO, 'elastic-apache/apache_logs'), join(DEMO, 'logparser-hackers/hackers-access.log'), extra];
  });

  const run = async (threads: number): Promise<ReturnType<typeof snapshotOf>> => {
    const db = join(dir, `t${threads}.sqlite`);
    const cfg: Config = { ...configSchema.parse({ offline: true, asOf: 'newest', windowDays: 400, halfLifeDays: 0, scorePrivate: true, ingestThreads: threads }), logs, db };
    const r = await runNightly(cfg, deps);
    r.copy.publish();
    expect(r.summary.threads).toBe(threads);
    return snapshotOf(db);
  };

  it('gives the same snapshot', async () => {
    const one = await run(1);
    const two = await run(2);
    expect(two.runs).toEqual(one.runs);
    expect(two.states.length).toBe(one.states.length);
    expect(two).toEqual(one);
    expect(one.signatures.length).toBeGreaterThan(80);
    expect(one.hits.length).toBeGreaterThan(50);
    // the IPv6 network and the mapped address were each one actor, whatever thread read them
    expect(one.signatures.filter((s) => (s as { actor: string }).actor === '2001:db8:5:6::/64').map((s) => (s as { rule_id: string }).rule_id))
      .toContain('secret-file-sweep');
  }, 120_000);

  it.each([
    ['83.149.9.216 - - [x', '::ffff:83.149.9.216 - - [x'],
    ['2001:db8:5:6::1 - - [x', '[2001:db8:5:6:0:0:0:9]:80 - - [x'],
    ['83.149.9.216 - - [x', 'www.example.com:80 83.149.9.216 - - [x'],
  ])('%s and %s go to the same thread', (a, b) => {
    for (const n of [2, 3, 7]) {
      const owner = (s: string) => ownerOfLine(Buffer.from(s), 0, s.length, 0, n, false, 64);
      expect(owner(a)).toBe(owner(b));
    }
  });

  it('the demo is split about evenly', () => {
    const lines = readFileSync(logs[0]!, 'utf8').split('\n').filter(Boolean);
    const mine = lines.filter((l, i) => ownerOfLine(Buffer.from(l), 0, Buffer.byteLength(l), i, 2, false, 64) === 0).length;
    expect(mine / lines.length).toBeGreaterThan(0.3);
    expect(mine / lines.length).toBeLessThan(0.7);
  });
});
