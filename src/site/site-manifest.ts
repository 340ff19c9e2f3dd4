// The build's record of itself, kept inside the site at .pillory/: the fingerprint of the code that
// built it, the input digest of every tracked page, and the content hash of every file. The next
// build reuses what is unchanged and says which files were added, changed and removed, so a CDN sync
// can upload only those.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MANIFEST_DIR = '.pillory';
/** The build's own files in the site, written after everything else. */
export const MANIFEST_FILES = [`${MANIFEST_DIR}/changes.json`, `${MANIFEST_DIR}/manifest.json`];
export const MANIFEST_VERSION = 1;

export interface SiteManifest {
  version: number;
  /** siteFingerprint() of the build that wrote the site. */
  fingerprint: string;
  /** Input digest per tracked route, keyed `<kind> <key>`. */
  routes: Record<string, string>;
  /** Content hash (sha1, base64url) per file, keyed by its path relative to the site root. */
  files: Record<string, string>;
}

export interface FileChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

const manifestFile = (siteDir: string) => path.join(siteDir, MANIFEST_DIR, 'manifest.json');

/** The manifest of the site in `siteDir`, or null when there is none or it cannot be trusted. */
export function readManifest(siteDir: string | null | undefined): SiteManifest | null {
  if (!siteDir) return null;
  const file = manifestFile(siteDir);
  if (!existsSync(file)) return null;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as SiteManifest;
    return m.version === MANIFEST_VERSION && typeof m.fingerprint === 'string' && m.routes && m.files ? m : null;
  } catch {
    return null; // a damaged manifest only costs a full build
  }
}

/**
 * The fingerprint of the site in `siteDir`, without holding its whole manifest: writeManifest() puts
 * it at the head of the file, so the first bytes tell. A manifest written otherwise is read whole.
 * Null when there is none, or when a manifest laid out otherwise cannot be trusted (readManifest()).
 * A right head is trusted alone: buildSite() reads the whole manifest after the workers, and a worker
 * that cannot read it renders its whole share.
 */
export function readManifestFingerprint(siteDir: string | null | undefined): string | null {
  if (!siteDir) return null;
  const file = manifestFile(siteDir);
  if (!existsSync(file)) return null;
  let head = '';
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      head = buf.toString('utf8', 0, readSync(fd, buf, 0, HEAD_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const m = MANIFEST_HEAD.exec(head);
  if (m && Number(m[1]) === MANIFEST_VERSION) return JSON.parse(`"${m[2]}"`) as string;
  return readManifest(siteDir)?.fingerprint ?? null;
}
const HEAD_BYTES = 4096;
/** How JSON.stringify() begins a SiteManifest: its keys in the order of the interface. */
const MANIFEST_HEAD = /^\{"version":(\d+),"fingerprint":"((?:[^"\\]|\\.)*)","routes":\{/;

export function hashFile(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('base64url');
}

export function fileChanges(before: Record<string, string> | null, after: Record<string, string>): FileChanges {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  let unchanged = 0;
  for (const [f, h] of Object.entries(after)) {
    const old = before?.[f];
    if (old === undefined) added.push(f);
    else if (old !== h) changed.push(f);
    else unchanged++;
  }
  if (before) for (const f of Object.keys(before)) if (!(f in after)) removed.push(f);
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort(), unchanged };
}

/** Writes manifest.json and changes.json (what this build added, changed and removed) into the site. */
export function writeManifest(siteDir: string, m: SiteManifest, changes: FileChanges): void {
  mkdirSync(path.join(siteDir, MANIFEST_DIR), { recursive: true });
  // keys in this order, so that readManifestFingerprint() finds the fingerprint in the first bytes
  const ordered: SiteManifest = { version: m.version, fingerprint: m.fingerprint, routes: m.routes, files: m.files };
  writeFileSync(manifestFile(siteDir), `${JSON.stringify(ordered)}\n`);
  writeFileSync(path.join(siteDir, MANIFEST_DIR, 'changes.json'), `${JSON.stringify(changes, null, 1)}\n`);
}
