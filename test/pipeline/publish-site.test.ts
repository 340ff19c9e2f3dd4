import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildIntoPlace, recoverParkedSite, type PublishPlan } from '../../src/pipeline/publish-site.ts';

function site(dir: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), text);
}

describe('buildIntoPlace', () => {
  it('swaps the new site in and leaves nothing beside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    site(join(root, 'dist'), 'old');
    const pages = await buildIntoPlace(join(root, 'dist'), async (tmp) => { site(tmp, 'new'); return 1; });
    expect(pages).toBe(1);
    expect(readFileSync(join(root, 'dist/index.html'), 'utf8')).toBe('new');
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('keeps the old site when the build fails, and removes the half-built one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    site(join(root, 'dist'), 'old');
    await expect(buildIntoPlace(join(root, 'dist'), async (tmp) => { site(tmp, 'half'); throw new Error('astro failed'); })).rejects.toThrow('astro failed');
    expect(readFileSync(join(root, 'dist/index.html'), 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['dist']);
  });
});

describe('recoverParkedSite', () => {
  it('puts back a site parked by a run killed between the two renames', () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    site(join(root, '.dist.4242.old'), 'old');
    site(join(root, '.dist.4242.tmp'), 'new-but-unfinished');
    recoverParkedSite(join(root, 'dist'));
    expect(readFileSync(join(root, 'dist/index.html'), 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('drops leftovers of dead runs when the live site is there', () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    site(join(root, 'dist'), 'live');
    site(join(root, '.dist.1.old'), 'older');
    recoverParkedSite(join(root, 'dist'));
    expect(readFileSync(join(root, 'dist/index.html'), 'utf8')).toBe('live');
    expect(existsSync(join(root, '.dist.1.old'))).toBe(false);
  });
});

describe('buildIntoPlace with a patch plan (an incremental build)', () => {
  const tree = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => `${join(e.parentPath, e.name).slice(root.length + 1)}=${readFileSync(join(e.parentPath, e.name), 'utf8')}`).sort();
  const live = (root: string) => {
    mkdirSync(join(root, 'dist/ip/a'), { recursive: true });
    mkdirSync(join(root, 'dist/ip/c'), { recursive: true });
    writeFileSync(join(root, 'dist/index.html'), 'home 1');
    writeFileSync(join(root, 'dist/ip/a/index.html'), 'a 1');
    writeFileSync(join(root, 'dist/ip/c/index.html'), 'c 1');
  };
  const staged = (tmp: string) => {
    mkdirSync(join(tmp, 'ip/d'), { recursive: true });
    writeFileSync(join(tmp, 'index.html'), 'home 2');
    writeFileSync(join(tmp, 'ip/d/index.html'), 'd 2');
  };
  const plan: PublishPlan = { mode: 'patch', write: ['index.html', 'ip/d/index.html'], remove: ['ip/c/index.html'] };

  it('moves in only the changed files, deletes the removed ones with their empty folders, and leaves nothing beside', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    live(root);
    const inode = statSync(join(root, 'dist/ip/a/index.html')).ino;
    await buildIntoPlace(join(root, 'dist'), async (tmp) => { staged(tmp); return plan; }, (p) => p);
    expect(tree(join(root, 'dist'))).toEqual(['index.html=home 2', 'ip/a/index.html=a 1', 'ip/d/index.html=d 2']);
    expect(existsSync(join(root, 'dist/ip/c'))).toBe(false);
    // the unchanged file was not touched at all
    expect(statSync(join(root, 'dist/ip/a/index.html')).ino).toBe(inode);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('undoes itself when a step fails half way: the live site is the previous one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    live(root);
    const before = tree(join(root, 'dist'));
    // the staging folder lacks the second file: the first one was already moved in when it fails
    await expect(buildIntoPlace(join(root, 'dist'), async (tmp) => { mkdirSync(tmp); writeFileSync(join(tmp, 'index.html'), 'home 2'); return plan; }, (p) => p))
      .rejects.toThrow(/ENOENT/);
    expect(tree(join(root, 'dist'))).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('a run killed in the middle of a patch is undone by the next start (recoverParkedSite)', () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    live(root);
    const before = tree(join(root, 'dist'));
    // the state a kill -9 leaves after the first file of the plan: old home in the backup, new home live,
    // the new page still staged, the removed page not yet moved
    const staging = join(root, '.dist.77.tmp');
    const backup = join(root, '.dist.77.bak');
    staged(staging);
    mkdirSync(backup);
    renameSync(join(root, 'dist/index.html'), join(backup, 'index.html'));
    renameSync(join(staging, 'index.html'), join(root, 'dist/index.html'));
    writeFileSync(join(root, '.dist.77.journal'), JSON.stringify({ staging, backup, write: plan.write, remove: plan.remove }));
    recoverParkedSite(join(root, 'dist'));
    expect(tree(join(root, 'dist'))).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('a kill after the new page moved in (and nothing was behind it) removes that page on recovery', () => {
    const root = mkdtempSync(join(tmpdir(), 'pillory-pub-'));
    live(root);
    const before = tree(join(root, 'dist'));
    const staging = join(root, '.dist.78.tmp');
    const backup = join(root, '.dist.78.bak');
    staged(staging);
    mkdirSync(join(backup, 'ip/c'), { recursive: true });
    renameSync(join(root, 'dist/index.html'), join(backup, 'index.html'));
    renameSync(join(staging, 'index.html'), join(root, 'dist/index.html'));
    mkdirSync(join(root, 'dist/ip/d'));
    renameSync(join(staging, 'ip/d/index.html'), join(root, 'dist/ip/d/index.html'));
    renameSync(join(root, 'dist/ip/c/index.html'), join(backup, 'ip/c/index.html'));
    writeFileSync(join(root, '.dist.78.journal'), JSON.stringify({ staging, backup, write: plan.write, remove: plan.remove }));
    recoverParkedSite(join(root, 'dist'));
    expect(tree(join(root, 'dist'))).toEqual(before);
    expect(existsSync(join(root, 'dist/ip/d'))).toBe(false);
  });
});
