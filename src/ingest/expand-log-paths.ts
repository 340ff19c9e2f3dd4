import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { PilloryError } from '../core/errors.ts';

/**
 * Log files named by paths or globs: absolute, sorted, each once. A plain path that does not exist
 * is an error naming it; a glob that matches nothing is not (rotated copies may not exist yet),
 * unless nothing at all is found: then the paths are wrong, and the run must not pass for one that
 * read the logs.
 */
export async function expandLogPaths(patterns: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      for (const p of await glob(pattern, { absolute: true, onlyFiles: true, dot: true })) found.add(resolve(p));
      continue;
    }
    const abs = resolve(pattern);
    let isFile = false;
    try {
      isFile = (await stat(abs)).isFile();
    } catch (cause) {
      throw new PilloryError('LOG_MISSING', `log file not found: ${pattern}`, { cause });
    }
    if (!isFile) throw new PilloryError('LOG_NOT_FILE', `log path is not a file: ${pattern}`);
    found.add(abs);
  }
  if (patterns.length > 0 && found.size === 0) throw new PilloryError('LOG_MISSING', `no log file matches ${patterns.join(', ')}`);
  return [...found].sort();
}
