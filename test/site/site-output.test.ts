// SiteOutput: a render worker's files, hashed, written only when they changed, and written in the
// background without running out of file handles.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentHash, SiteOutput } from '../../src/site/site-output.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pillory-site-output-'));
  dirs.push(d);
  return d;
};
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('SiteOutput', () => {
  it('writes 25,000 files emitted in one go (more than this machine lets a process open at once)', async () => {
    // the export loop once emitted every blocklist file before any was written: EMFILE at 20,000 handles
    const dir = fresh();
    const out = new SiteOutput(dir, null);
    for (let i = 0; i < 25_000; i++) out.emit(`blocklist/asn/${i % 500}/list-${i}.txt`, `198.51.100.${i % 256}\n`);
    await out.flush();
    expect(readdirSync(path.join(dir, 'blocklist/asn')).length).toBe(500);
    expect(readdirSync(path.join(dir, 'blocklist/asn/7')).length).toBe(50);
    expect(readFileSync(path.join(dir, 'blocklist/asn/7/list-24507.txt'), 'utf8')).toBe(`198.51.100.${24507 % 256}\n`);
    expect(out.written.length).toBe(25_000);
  });

  it('keeps the hash of every file but writes only those that differ from the previous build', async () => {
    const dir = fresh();
    const previous = { 'ip/a/index.html': contentHash('same'), 'ip/b/index.html': contentHash('old') };
    const out = new SiteOutput(dir, previous);
    out.emit('ip/a/index.html', 'same');
    out.emit('ip/b/index.html', 'new');
    out.emit('ip/c/index.html', 'added');
    await out.flush();
    expect(out.files).toEqual({ 'ip/a/index.html': contentHash('same'), 'ip/b/index.html': contentHash('new'), 'ip/c/index.html': contentHash('added') });
    expect(out.written.sort()).toEqual(['ip/b/index.html', 'ip/c/index.html']);
    expect(existsSync(path.join(dir, 'ip/a/index.html'))).toBe(false);
    expect(readFileSync(path.join(dir, 'ip/b/index.html'), 'utf8')).toBe('new');
  });

  it('room() holds a maker back until the backlog is down to the bound', async () => {
    const out = new SiteOutput(fresh(), null);
    for (let i = 0; i < 600; i++) out.emit(`f/${i}.txt`, String(i));
    let waited = false;
    const room = out.room(100).then(() => { waited = true; });
    expect(waited).toBe(false); // 600 minus 32 in flight still wait
    await room;
    expect(waited).toBe(true);
    await out.flush();
    expect(out.written.length).toBe(600);
  });

  it('room() also holds a maker back while the bodies waiting to be written are too big, however few', async () => {
    // the site-wide exports of 200,000 addresses: thirteen files of tens of MB, all queued at once
    const dir = fresh();
    const out = new SiteOutput(dir, null);
    const big = (c: string) => c.repeat(20 * 1024 * 1024);
    for (const c of 'abcd') out.emit(`blocklist/${c}.txt`, big(c));
    expect(out.pending).toBe(4 * 20 * 1024 * 1024);
    let waited = false;
    const room = out.room().then(() => { waited = true; });
    await Promise.resolve();
    expect(waited).toBe(false); // 4 files, far under the count bound, but 80 MB of bodies
    await room;
    expect(out.pending).toBeLessThanOrEqual(48 * 1024 * 1024);
    await out.flush();
    expect(out.pending).toBe(0);
    expect(readFileSync(path.join(dir, 'blocklist/c.txt'), 'utf8').length).toBe(20 * 1024 * 1024);
  });

  it('flush() reports a write that failed', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'country'), 'a file where a folder must go');
    const out = new SiteOutput(dir, null);
    out.emit('country/de/index.html', '<p>de</p>');
    await expect(out.flush()).rejects.toThrow(/EEXIST|ENOTDIR/);
  });

  it('with no output folder (a plain astro build) it hashes and writes nothing', async () => {
    const out = new SiteOutput(null, null);
    out.emit('ip/a/index.html', 'x');
    await out.flush();
    expect(out.files['ip/a/index.html']).toBe(contentHash('x'));
    expect(out.written).toEqual([]);
  });
});
