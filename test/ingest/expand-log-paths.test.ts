import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandLogPaths } from '../../src/ingest/ingest-files.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pillory-paths-'));
  for (const f of ['access.log', 'access.log.1', 'access.log.2.gz', 'error.log']) await writeFile(join(dir, f), '');
  await mkdir(join(dir, 'sub.log'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('expandLogPaths', () => {
  it('expands globs, sorts and dedupes', async () => {
    expect(await expandLogPaths([join(dir, 'access.log*'), join(dir, 'access.log')])).toEqual(
      ['access.log', 'access.log.1', 'access.log.2.gz'].map((f) => join(dir, f)),
    );
  });

  it('accepts a glob that matches nothing (rotated copies may not exist yet) beside one that matches', async () => {
    expect(await expandLogPaths([join(dir, 'other.log.*.gz'), join(dir, 'access.log')])).toEqual([join(dir, 'access.log')]);
  });

  it('refuses paths that find no file at all (a typo must not pass for a quiet night)', async () => {
    await expect(expandLogPaths([join(dir, 'other.log.*.gz')]))
      .rejects.toMatchObject({ code: 'LOG_MISSING', message: `no log file matches ${join(dir, 'other.log.*.gz')}` });
  });

  it('names a missing plain path', async () => {
    await expect(expandLogPaths([join(dir, 'missing.log')]))
      .rejects.toMatchObject({ name: 'PilloryError', code: 'LOG_MISSING', message: `log file not found: ${join(dir, 'missing.log')}` });
  });

  it('refuses a directory', async () => {
    await expect(expandLogPaths([join(dir, 'sub.log')])).rejects.toMatchObject({ code: 'LOG_NOT_FILE' });
  });

  it('leaves directories out of glob matches', async () => {
    expect(await expandLogPaths([join(dir, '*.log')])).toEqual([join(dir, 'access.log'), join(dir, 'error.log')]);
  });
});
