import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNightly, type NightlySummary } from '../../src/pipeline/nightly.ts';
import { configSchema, type Config } from '../../src/config/schema.ts';

// log-06-rotation-replay through the whole nightly run and the snapshot, not just the reader:
//   run 1: access.log 1..1000
//   run 2: access.log.1 (the same 1..1000, renamed) + access.log 1001..1500
//   run 3: access.log.2.gz (1..1000) + access.log.1 (1001..1500) + access.log 1501..1800
//   run 4: the same files again

const deps = { now: () => Date.UTC(2026, 11, 4), log: () => {} };

function line(n: number): string {
  // 40 documentation addresses, one unique target per line so a line read twice is visible
  return `192.0.2.${(n % 40) + 1} - - [03/Dec/2026:10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} +0000] "GET /page/${n} HTTP/1.1" 200 ${n} "-" "replay-agent"\n`;
}
const lines = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => line(a + i)).join('');

describe('log-06-rotation-replay through runNightly and the snapshot', () => {
  let dir: string;
  let cfg: Config;
  const summaries: NightlySummary[] = [];
  const db = () => new Database(cfg.db, { readonly: true });
  const state = () => {
    const d = db();
    try {
      return {
        hits: d.prepare('SELECT count(*) FROM hits').pluck().get(),
        targets: d.prepare('SELECT count(DISTINCT target) FROM hits').pluck().get(),
        actors: d.prepare('SELECT key, requests, score FROM actors ORDER BY key').all(),
        days: d.prepare('SELECT actor, day, requests FROM actor_days ORDER BY actor, day').all(),
        files: d.prepare('SELECT fingerprint, offset, lines FROM files ORDER BY fingerprint').all() as { fingerprint: string; offset: number; lines: number }[],
      };
    } finally {
      d.close();
    }
  };
  const night = async (logs: string[]) => {
    const run = await runNightly({ ...cfg, logs }, deps);
    run.copy.publish();
    summaries.push(run.summary);
    return state();
  };

  const after: ReturnType<typeof state>[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-replay-'));
    cfg = { ...configSchema.parse({ offline: true, scorePrivate: true, asOf: 'newest', windowDays: 400 }), db: join(dir, 's.sqlite'), out: join(dir, 'dist') };
    const log = join(dir, 'access.log');
    const log1 = join(dir, 'access.log.1');
    const log2gz = join(dir, 'access.log.2.gz');

    writeFileSync(log, lines(1, 1000));
    after.push(await night([log]));

    renameSync(log, log1);
    writeFileSync(log, lines(1001, 1500));
    after.push(await night([log1, log]));

    writeFileSync(log2gz, gzipSync(readFileSync(log1)));
    rmSync(log1);
    renameSync(log, log1);
    writeFileSync(log, lines(1501, 1800));
    after.push(await night([log2gz, log1, log]));

    after.push(await night([log2gz, log1, log]));
  }, 120_000);

  it('stores 1000, 1500, then exactly 1800 hits, each line once', () => {
    expect(after.map((s) => s.hits)).toEqual([1000, 1500, 1800, 1800]);
    expect(after[2]!.targets).toBe(1800);
    expect(summaries.map((s) => s.lines.parsed)).toEqual([1000, 500, 300, 0]);
  });

  it('the fourth run changes nothing: hits, actors, per-day counts and checkpoints', () => {
    expect(summaries[3]!.lines).toEqual({ read: 0, parsed: 0, skipped: {} });
    expect(after[3]).toEqual(after[2]);
    expect(after[3]!.files.map((f) => f.lines).sort((a, b) => a - b)).toEqual([300, 500, 1000]);
    expect((after[3]!.actors as { requests: number }[]).reduce((n, a) => n + a.requests, 0)).toBe(1800);
  });

  it('keeps each run\'s line counts in the runs table', () => {
    const d = db();
    const runs = d.prepare('SELECT id, lines_read, lines_parsed, skipped_json FROM runs ORDER BY id').all();
    d.close();
    expect(runs).toEqual([
      { id: 1, lines_read: 1000, lines_parsed: 1000, skipped_json: '{}' },
      { id: 2, lines_read: 500, lines_parsed: 500, skipped_json: '{}' },
      { id: 3, lines_read: 300, lines_parsed: 300, skipped_json: '{}' },
      { id: 4, lines_read: 0, lines_parsed: 0, skipped_json: '{}' },
    ]);
  });
});
