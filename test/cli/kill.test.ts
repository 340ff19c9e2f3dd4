import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

// kill -9 at any stage must leave the previous snapshot and site exactly as they were, and the next
// run must complete and count every line exactly once.

const CLI = fileURLToPath(new URL('../../scripts/pillory.mjs', import.meta.url));
const DEMO = fileURLToPath(new URL('../../data/demo/elastic-apache/apache_logs', import.meta.url));

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update('\0').update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}
const fileHash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A large synthetic log so each stage lasts long enough to be killed in the middle of it. */
function bigLog(path: string, lines: number): void {
  const out: string[] = [];
  const paths = ['/', '/blog/', '/about', '/feed.xml', '/img/a.png', '/missing', '/wp-login.php', '/.env', '/admin/'];
  for (let i = 0; i < lines; i++) {
    const a = (i * 7919) % 3000; // 3,000 clients
    const ip = `45.${Math.floor(a / 250)}.${a % 250}.7`;
    const p = paths[(i * 31) % paths.length]!;
    const status = p === '/' || p === '/blog/' || p === '/about' ? 200 : 404;
    const min = String(Math.floor(i / 600) % 60).padStart(2, '0');
    const sec = String(i % 60).padStart(2, '0');
    out.push(`${ip} - - [21/May/2015:10:${min}:${sec} +0000] "GET ${p} HTTP/1.1" ${status} 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"`);
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}

describe('kill -9 during a run', () => {
  let dir: string;
  let silent: Socket;
  let cfgPath: string;
  const BIG_LINES = 150_000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-kill-'));
    silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const port = silent.address().port;
    bigLog(join(dir, 'big.log'), BIG_LINES);
    // run 1 (good): the demo log only
    const write = (logs: string[]) => writeFileSync(cfgPath, JSON.stringify({
      logs, db: join(dir, 's.sqlite'), out: join(dir, 'dist'), asOf: 'newest', windowDays: 400, halfLifeDays: 0,
      resolver: `127.0.0.1:${port}`, dnsbl: { timeoutMs: 1500, concurrency: 4 },
    }));
    cfgPath = join(dir, 'pillory.config.yaml');
    write([DEMO]);
    const first = spawnSync(process.execPath, [CLI, 'build', '--config', cfgPath, '--offline'], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    write([DEMO, join(dir, 'big.log')]);
  }, 180_000);

  afterAll(() => silent?.close());

  async function killAt(stage: string, delayMs: number): Promise<string> {
    const child = spawn(process.execPath, [CLI, 'build', '--config', cfgPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!killed && stderr.includes(`stage ${stage}\n`)) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c, sig) => r(sig === 'SIGKILL' ? -9 : c)));
    expect(code, `run ended by itself before "stage ${stage}" + ${delayMs} ms:\n${stderr}`).toBe(-9);
    return stderr;
  }

  it.each([
    ['ingest', 300],
    ['score', 300],
    ['dnsbl', 500],
    ['site', 1500],
  ])('killed during %s: snapshot and site unchanged', async (stage, delay) => {
    const snap = fileHash(join(dir, 's.sqlite'));
    const site = treeHash(join(dir, 'dist'));
    await killAt(stage, delay);
    expect(fileHash(join(dir, 's.sqlite'))).toBe(snap);
    expect(treeHash(join(dir, 'dist'))).toBe(site);
  }, 120_000);

  it('the next run takes over the stale lock, completes, and counts every line once', () => {
    const r = spawnSync(process.execPath, [CLI, 'build', '--config', cfgPath, '--offline'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const db = new Database(join(dir, 's.sqlite'), { readonly: true });
    // every request counted once in its actor's detection state (only evidence is stored as rows)
    const requests = db.prepare(`SELECT sum(requests) FROM actor_state`).pluck().get();
    const parsed = db.prepare(`SELECT sum(lines_parsed) FROM runs`).pluck().get();
    const runs = db.prepare(`SELECT count(*) FROM runs`).pluck().get();
    const uncited = db.prepare(`SELECT count(*) FROM signatures s, json_each(s.request_ids) j WHERE j.value NOT IN (SELECT id FROM hits)`).pluck().get();
    db.close();
    expect(requests).toBe(9999 + BIG_LINES); // apache_logs has one malformed line
    expect(parsed).toBe(9999 + BIG_LINES);
    expect(uncited).toBe(0);
    expect(runs).toBe(2); // the killed runs left nothing behind
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.old') || f.endsWith('.lock'))).toEqual([]);
    expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
  }, 180_000);
});
