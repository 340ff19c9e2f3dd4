import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildIntoPlace, recoverParkedSite } from '../../src/pipeline/publish-site.ts';

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
