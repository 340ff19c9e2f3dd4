import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PilloryError } from '../core/errors.ts';

/**
 * One run at a time per snapshot: a lock file holding the owner's pid, created exclusively.
 * A lock left by a process that no longer exists (kill -9, power loss) is taken over.
 */
export function acquireRunLock(snapshotPath: string, pid = process.pid): () => void {
  const lockPath = `${snapshotPath}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && isAlive(owner)) {
        throw new PilloryError('LOCKED', `another run (pid ${owner}) is using ${snapshotPath}; if it is not running, delete ${lockPath}`);
      }
      rmSync(lockPath, { force: true }); // stale: its owner is gone
    }
  }
  throw new PilloryError('LOCKED', `could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
