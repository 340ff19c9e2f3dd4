import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_VERSION, readManifest, readManifestFingerprint, writeManifest, type SiteManifest } from '../../src/site/site-manifest.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'pillory-manifest-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const noChanges = { added: [], changed: [], removed: [], unchanged: 0 };
const manifestPath = () => path.join(dir, '.pillory', 'manifest.json');
function writeRaw(text: string): void {
  mkdirSync(path.dirname(manifestPath()), { recursive: true });
  writeFileSync(manifestPath(), text);
}

describe('readManifestFingerprint', () => {
  it('reads the fingerprint from the head of what writeManifest wrote, whatever the key order given', () => {
    // keys given out of order, and enough files that the head is a small part of the file
    const files = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`ip/10-0-${i >> 8}-${i & 255}/index.html`, `h${i}`]));
    const m = { files, routes: { 'report 10.0.0.1': 'd1' }, fingerprint: 'fp-"quoted"-\\-é', version: MANIFEST_VERSION } as SiteManifest;
    writeManifest(dir, m, noChanges);
    expect(readFileSync(manifestPath(), 'utf8').startsWith(`{"version":${MANIFEST_VERSION},"fingerprint":`)).toBe(true);
    expect(readManifestFingerprint(dir)).toBe('fp-"quoted"-\\-é');
    expect(readManifest(dir)?.files['ip/10-0-19-135/index.html']).toBe('h4999');
  });

  it('falls back to reading the whole file when the head is laid out otherwise', () => {
    writeRaw(JSON.stringify({ fingerprint: 'other-order', routes: {}, files: {}, version: MANIFEST_VERSION }));
    expect(readManifestFingerprint(dir)).toBe('other-order');
  });

  it('is null for no site, no manifest, a damaged one and one of another version', () => {
    expect(readManifestFingerprint(null)).toBeNull();
    expect(readManifestFingerprint(dir)).toBeNull();
    writeRaw('{"version":1,"fingerprint":"cut-off","routes":{"report 10');
    // the head looks right but the file is not a manifest: the fingerprint alone is trusted, as the
    // build reads the whole file again before reusing anything (buildSite() then refuses a mismatch)
    expect(readManifestFingerprint(dir)).toBe('cut-off');
    expect(readManifest(dir)).toBeNull();
    writeRaw('not json');
    expect(readManifestFingerprint(dir)).toBeNull();
    writeRaw(JSON.stringify({ version: MANIFEST_VERSION + 1, fingerprint: 'future', routes: {}, files: {} }));
    expect(readManifestFingerprint(dir)).toBeNull();
  });
});
