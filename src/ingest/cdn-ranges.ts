import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PilloryError } from '../core/errors.ts';

// Ready CDN ranges (data/proxies/<name>.txt) the operator switches on by name: never on by default.

export const DEFAULT_PROXIES_DIR = fileURLToPath(new URL('../../data/proxies/', import.meta.url));

/** Every CIDR of the named providers; an unknown name is a config error listing the known ones. */
export function cdnRanges(names: readonly string[], dir: string = DEFAULT_PROXIES_DIR): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (!/^[a-z0-9-]{1,40}$/.test(name)) throw new PilloryError('CONFIG_CDN_RANGES', `cdnRanges: "${name}" is not a provider name`);
    let text: string;
    try {
      text = readFileSync(join(dir, `${name}.txt`), 'utf8');
    } catch (cause) {
      throw new PilloryError('CONFIG_CDN_RANGES', `cdnRanges: no ranges for "${name}" in ${dir}`, { cause });
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line) out.push(line);
    }
  }
  return out;
}
