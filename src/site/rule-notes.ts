// The methodology page's per-rule text, from data/rules/<id>/NOTE.md. The notes are our own files,
// but they are still rendered as text: markdown markers are dropped, never turned into markup.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_NOTE = 4000;

/** Paragraphs of a NOTE.md: headings dropped, lines joined, bold/code markers removed. */
export function noteParagraphs(md: string): string[] {
  const paras: string[] = [];
  let cur: string[] = [];
  const flush = () => {
    if (cur.length) paras.push(cur.join(' ').replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim());
    cur = [];
  };
  for (const line of md.slice(0, MAX_NOTE).split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) { flush(); continue; }
    if (t.startsWith('**') || t.startsWith('- ')) flush();
    cur.push(t.replace(/^- /, '• '));
  }
  flush();
  return paras.filter((p) => p !== '');
}

export function readNote(ruleDir: string): string[] {
  const file = join(ruleDir, 'NOTE.md');
  return existsSync(file) ? noteParagraphs(readFileSync(file, 'utf8')) : [];
}
