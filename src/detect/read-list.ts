import { readFileSync } from 'node:fs';

/** Entries of a list file: one per line, trimmed, lower-cased; blank lines and `#` comments dropped. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push(t.toLowerCase());
  }
  return out;
}

export function readList(file: string): string[] {
  return parseList(readFileSync(file, 'utf8'));
}
