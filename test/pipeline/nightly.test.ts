import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { runNightly } from '../../src/pipeline/nightly.ts';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { DEMO_CONFIG } from '../../src/cli/options.ts';
import type { Config } from '../../src/config/schema.ts';

const deps = { now: () => Date.UTC(2026, 11, 3), log: () => {} };

function demoConfig(dir: string): Config {
  return { ...loadConfigFile(DEMO_CONFIG), db: join(dir, 'snap.sqlite'), out: join(dir, 'dist') };
}

describe('runNightly on the bundled demo logs (offline)', () => {
  let dir: string;
  let cfg: Config;
  let first: Awaited<ReturnType<typeof runNightly>>['summary'];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-nightly-'));
    cfg = demoConfig(dir);
    const run = await runNightly(cfg, deps);
    run.copy.publish();
    first = run.summary;
  });

  it('accounts for every line: read = parsed + skipped', () => {
    const skipped = Object.values(first.lines.skipped).reduce((a, b) => a + b, 0);
    expect(first.lines.read).toBe(13456);
    expect(first.lines.parsed + skipped).toBe(13456);
  });

  it('publishes the real WordPress/Joomla probers and not Googlebot', () => {
    const db = new Database(cfg.db, { readonly: true });
    const pub = db.prepare(`SELECT key FROM actors WHERE published = 1 ORDER BY key`).pluck().all();
    const google = db.prepare(`SELECT published, crawler, crawler_check, excluded FROM actors WHERE key = '66.249.73.135'`).get();
    const sigs = db.prepare(`SELECT rule_id, request_ids FROM signatures WHERE actor = '195.250.34.144'`).all() as { rule_id: string; request_ids: string }[];
    const hitPaths = db.prepare(`SELECT path FROM hits WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`);
    expect(pub).toContain('195.250.34.144');
    expect(pub).toContain('144.76.194.187');
    expect(pub).not.toContain('66.249.73.135');
    expect(google).toEqual({ published: 0, crawler: 'Googlebot', crawler_check: 'verified', excluded: 'verified Googlebot crawler' });
    // every signature's evidence ids point at real requests of that address
    const paths = sigs.flatMap((s) => hitPaths.pluck().all(s.request_ids) as string[]);
    expect(paths).toEqual(expect.arrayContaining(['/wp-login.php', '/administrator/']));
    db.close();
  });

  it('a second run over the same files reads nothing new and changes no counts', async () => {
    const run = await runNightly(cfg, deps);
    run.copy.publish();
    expect(run.summary.lines.read).toBe(0);
    const db = new Database(cfg.db, { readonly: true });
    expect(db.prepare(`SELECT count(*) FROM hits`).pluck().get()).toBe(first.lines.parsed);
    expect(db.prepare(`SELECT count(*) FROM runs`).pluck().get()).toBe(2);
    db.close();
  });

  it('a failed run leaves the previous snapshot untouched and no temp file', async () => {
    const before = new Database(cfg.db, { readonly: true }).prepare(`SELECT count(*) FROM runs`).pluck().get();
    const bad = { ...cfg, logs: [join(dir, 'missing.log')] };
    await expect(runNightly(bad, deps)).rejects.toThrow(/missing\.log/);
    const after = new Database(cfg.db, { readonly: true }).prepare(`SELECT count(*) FROM runs`).pluck().get();
    expect(after).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('runNightly accounting', () => {
  it('moves non-public clients and lines outside the window into named buckets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-nightly-'));
    const log = join(dir, 'a.log');
    writeFileSync(log, [
      '195.250.34.144 - - [20/May/2015:10:00:00 +0000] "GET /wp-login.php HTTP/1.1" 404 1 "-" "-"',
      '10.0.0.1 - - [20/May/2015:10:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8"',
      '195.250.34.144 - - [01/Jan/2014:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      'garbage',
      '',
      `195.250.34.145 - - [20/May/2015:10:00:02 +0000] "GET /${'a'.repeat(2000)} HTTP/1.1" 404 1 "-" "-"`,
      '195.250.34.146 - - [20/May/2015:25:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      'www.example.com 195.250.34.147 - - [20/May/2015:10:00:03 +0000] "GET /.env HTTP/1.1" 404 1 "-" "-"',
      '',
    ].join('\n'));
    const cfg: Config = { ...demoConfig(dir), logs: [log], windowDays: 90, maxLineBytes: 1024 };
    const run = await runNightly(cfg, deps);
    const row = run.copy.db.prepare('SELECT lines_read, lines_parsed, skipped_json FROM runs').get() as { lines_read: number; lines_parsed: number; skipped_json: string };
    const stored = run.copy.db.prepare('SELECT count(*) FROM hits').pluck().get();
    run.copy.discard();
    expect(run.summary.lines.read).toBe(8);
    expect(run.summary.lines.parsed).toBe(2);
    expect(run.summary.lines.skipped).toEqual({ 'non-public-client': 1, 'outside-window': 1, malformed: 1, blank: 1, oversized: 1, 'bad-time': 1 });
    // the snapshot keeps the same buckets for this run, and holds exactly the parsed lines
    expect(row).toEqual({ lines_read: 8, lines_parsed: 2, skipped_json: JSON.stringify(run.summary.lines.skipped) });
    expect(stored).toBe(2);
    expect(existsSync(cfg.db)).toBe(false); // discarded: nothing was ever published
  });
});
