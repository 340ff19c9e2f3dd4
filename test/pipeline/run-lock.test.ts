import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { acquireRunLock } from '../../src/snapshot/run-lock.ts';

describe('acquireRunLock', () => {
  it('refuses a second run while the first holds the lock, and frees it on release', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'pillory-lock-')), 's.sqlite');
    const release = acquireRunLock(db, process.pid);
    expect(readFileSync(`${db}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    // a different, live pid asking for the same snapshot
    expect(() => acquireRunLock(db, process.ppid)).toThrow(`another run (pid ${process.pid}) is using ${db}`);
    release();
    expect(existsSync(`${db}.lock`)).toBe(false);
    acquireRunLock(db, process.ppid)();
  });

  it('takes over a lock whose owner is dead', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'pillory-lock-')), 's.sqlite');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${db}.lock`, `${dead}\n`);
    const release = acquireRunLock(db);
    expect(readFileSync(`${db}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    release();
  });
});
