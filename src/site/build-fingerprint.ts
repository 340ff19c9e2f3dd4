// A hash of everything besides the snapshot that decides what the site's files contain: the page
// code, styles, public files, rule and taxonomy data, the dependency lock, and the site options. When
// it differs from the previous build's, nothing of that build is reused.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Folders and files under the project root whose content can change the built site. */
const INPUTS = ['src', 'public', 'data', 'astro.config.ts', 'package-lock.json', 'tsconfig.json'];
/** Inside data/: the demo logs and the geo/DNSBL inputs feed the snapshot, never the pages directly. */
const SKIP = new Set(['data/demo']);

function walk(root: string, rel: string, out: string[]): void {
  if (SKIP.has(rel)) return;
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const e of readdirSync(abs).sort()) walk(root, `${rel}/${e}`, out);
  } else {
    out.push(rel);
  }
}

export function siteFingerprint(root: string, options: Record<string, string | number | boolean>): string {
  const files: string[] = [];
  for (const i of INPUTS) walk(root, i, files);
  const h = createHash('sha256');
  h.update(JSON.stringify(Object.entries(options).sort()));
  for (const f of files) {
    h.update(`\0${f}\0`);
    h.update(readFileSync(path.join(root, f)));
  }
  return h.digest('base64url');
}
