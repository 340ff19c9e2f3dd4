// Incremental builds: a night's build reuses what did not change from the previous site, and the
// result is byte for byte the full build of the same snapshot. Slow (five real Astro builds).
import Database from 'better-sqlite3';
import { buildIntoPlace } from '../../src/pipeline/publish-site.ts';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../src/site/build-site.ts';
import { slugOf } from '../../src/core/ip.ts';
import { SnapshotReader } from '../../src/lib/snapshot.ts';
import { changeSome, makeSyntheticSnapshot } from '../../scripts/bench/synthetic-snapshot.ts';
import { makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';

const SITE = 'https://reports.example.net';
let dir: string;
/**
 * A night's build as `pillory build` does it: on top of a copy of the previous site (`previous`), put
 * live by its publish plan (a patch of the changed files), or from nothing.
 */
async function build(snapshot: string, out: string, o: { previous?: string; workers?: number; alter?: (live: string) => void } = {}): Promise<BuildSiteResult> {
  const live = path.join(dir, out);
  if (o.previous) cpSync(path.join(dir, o.previous), live, { recursive: true, preserveTimestamps: true });
  o.alter?.(live);
  inodes.set(out, inodeOf(out));
  return buildIntoPlace(live, (tmp) => buildSite({ snapshot: path.join(dir, snapshot), outDir: tmp, siteUrl: SITE, previousDir: o.previous ? live : null, workers: o.workers ?? 1 }), (r) => r.publish);
}
const inodes = new Map<string, Map<string, number>>();
const inodeOf = (out: string) => {
  const root = path.join(dir, out);
  if (!existsSync(root)) return new Map<string, number>();
  return new Map(readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => [path.relative(root, path.join(e.parentPath, e.name)), statSync(path.join(e.parentPath, e.name)).ino] as const));
};
let first: BuildSiteResult;
let again: BuildSiteResult;
let night2: { changed: string[]; added: string[]; removed: string[] };
let quiet: BuildSiteResult;
let full2: BuildSiteResult;
let damaged: BuildSiteResult;
const DAY = 86_400_000;

/** Every file of a built site, with its bytes; the build's own change list is left out. */
function tree(out: string): Map<string, Buffer> {
  const root = path.join(dir, out);
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => f !== '.pillory/changes.json').sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(root, f))]));
}

function expectSameTree(a: string, b: string): void {
  const x = tree(a);
  const y = tree(b);
  expect([...y.keys()]).toEqual([...x.keys()]);
  const differ = [...x].filter(([f, bytes]) => !bytes.equals(y.get(f)!)).map(([f]) => f);
  expect(differ).toEqual([]);
}

const changes = (out: string) => JSON.parse(readFileSync(path.join(dir, out, '.pillory/changes.json'), 'utf8')) as
  { added: string[]; changed: string[]; removed: string[]; unchanged: number };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-incr-'));
  makeFixtureSnapshot(path.join(dir, 'fixture.sqlite'));
  // 40 actors made from the fixture's hostile ones, spread over networks and /24s
  makeSyntheticSnapshot({ base: path.join(dir, 'fixture.sqlite'), out: path.join(dir, 's1.sqlite'), actors: 40, seed: 7 });
  first = await build('s1.sqlite', 'a');
  again = await build('s1.sqlite', 'b', { previous: 'a' });
  copyFileSync(path.join(dir, 's1.sqlite'), path.join(dir, 's2.sqlite'));
  night2 = changeSome(path.join(dir, 's2.sqlite'), { fraction: 0.05, added: 2, removed: 1, seed: 3 });
  await build('s2.sqlite', 'c', { previous: 'b' });
  // both workers given a heap far too small: each dies of it and is run again without the cap
  process.env.PILLORY_WORKER_HEAP_MB = '32';
  try {
    full2 = await build('s2.sqlite', 'd', { workers: 2 });
  } finally {
    delete process.env.PILLORY_WORKER_HEAP_MB;
  }
  // a night in which only time passes: every score decays, every DNSBL answer is checked again (same
  // answers), the run's clock moves; no actor does anything
  copyFileSync(path.join(dir, 's1.sqlite'), path.join(dir, 's3.sqlite'));
  const db = new Database(path.join(dir, 's3.sqlite'));
  db.exec(`UPDATE actors SET score = max(0, score - 3), evidence_score = max(0, evidence_score - 3), verdict = 'high', updated_at = updated_at + ${DAY};
    UPDATE dnsbl SET checked_at = checked_at + ${DAY};
    UPDATE meta SET value = CAST(value AS INTEGER) + ${DAY} WHERE key IN ('as_of', 'generated_at');
    INSERT INTO runs(id, started_at, finished_at, as_of, lines_read, lines_parsed, skipped_json)
      SELECT max(id) + 1, max(started_at) + ${DAY}, max(finished_at) + ${DAY}, max(as_of) + ${DAY}, 0, 0, '{}' FROM runs;`);
  db.close();
  quiet = await build('s3.sqlite', 'e', { previous: 'b' });
  // the previous site's manifest cut short after its head: its fingerprint still reads as this build's
  damaged = await build('s1.sqlite', 'f', {
    previous: 'b',
    alter: (live) => {
      const m = path.join(live, '.pillory/manifest.json');
      writeFileSync(m, readFileSync(m, 'utf8').slice(0, 2000));
    },
  });
}, 300_000);
afterAll(() => {
  if (dir && !process.env.PILLORY_KEEP) rmSync(dir, { recursive: true, force: true });
});

describe('an unchanged snapshot', () => {
  it('renders no tracked page and reuses every one', () => {
    expect(first.rendered).toBeGreaterThan(40); // 40 reports plus country and network pages and exports
    expect(again.rendered).toBe(0);
    expect(again.reused).toBe(first.rendered);
  });

  it('gives the same bytes in every file, manifest included (deterministic output)', () => {
    expectSameTree('a', 'b');
  });

  it('reports no file added, changed or removed', () => {
    expect(changes('b')).toMatchObject({ added: [], changed: [], removed: [] });
    expect(changes('a').added.length).toBe(changes('b').unchanged);
  });

  it('leaves every page file of the live site untouched (nothing rewritten, not even the same bytes)', () => {
    const before = inodes.get('b')!;
    const after = inodeOf('b');
    const pages = [...before.keys()].filter((f) => f.endsWith('.html') || f.endsWith('.json') && f.startsWith('ip'));
    expect(pages.length).toBeGreaterThan(40);
    // the site-wide pages say when the site was built; every other page keeps its very file
    const rewritten = pages.filter((f) => before.get(f) !== after.get(f));
    expect(rewritten.every((f) => !/^(ip|country|asn)\//.test(f)), rewritten.join(' ')).toBe(true);
  });
});

describe('a night with changes', () => {
  it('equals the full build of the same snapshot (two workers) byte for byte', () => {
    expectSameTree('c', 'd');
  });

  it('restarts a worker that ran out of its capped heap, and the site is whole', () => {
    expect(full2.workers).toBe(2);
    expect(full2.workersRestarted).toBe(2);
    expect(first.workersRestarted).toBe(0);
  });

  it('re-renders the changed and new reports, and of the others only those whose neighbourhood changed', () => {
    const c = changes('c');
    const written = [...c.changed, ...c.added].filter((f) => /^ip\/[^/]+\/index\.html$/.test(f));
    for (const k of [...night2.changed, ...night2.added]) expect(written).toContain(`ip/${slugOf(k)}/index.html`);
    // any other report page that changed lists a changed, new or removed address among its neighbours
    const reader = new SnapshotReader(path.join(dir, 's2.sqlite'));
    const before = new SnapshotReader(path.join(dir, 's1.sqlite'));
    try {
      const moved = new Set([...night2.changed, ...night2.added, ...night2.removed]);
      const near = (r: SnapshotReader, key: string) => {
        const a = r.summaryOf(key);
        if (!a) return [];
        const n = r.neighbours(a);
        return [...n.samePrefix, ...n.sameAsn].map((x) => x.key);
      };
      const others = written.map((f) => reader.pageSummary(f.slice(3, -11))!.key).filter((k) => !moved.has(k));
      for (const k of others) expect([...near(reader, k), ...near(before, k)].some((x) => moved.has(x)), k).toBe(true);
      expect(written.length).toBeLessThan(reader.published().length / 2);
    } finally {
      reader.close();
      before.close();
    }
  });

  it('lists the new reports as added and the removed one as removed', () => {
    const c = changes('c');
    for (const k of night2.added) expect(c.added).toEqual(expect.arrayContaining([`ip/${slugOf(k)}/index.html`, `ip/${slugOf(k)}.json`]));
    expect(c.removed).toEqual(expect.arrayContaining([`ip/${slugOf(night2.removed[0]!)}/index.html`, `ip/${slugOf(night2.removed[0]!)}.json`]));
    expect(readdirSync(path.join(dir, 'c', 'ip'))).not.toContain(slugOf(night2.removed[0]!));
  });

  it('keeps the sitemap whole: every published report is listed, the removed one is not', () => {
    const xml = readdirSync(path.join(dir, 'c')).filter((f) => /^sitemap-\d+\.xml$/.test(f))
      .map((f) => readFileSync(path.join(dir, 'c', f), 'utf8')).join('');
    const listed = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!).filter((u) => u.includes('/ip/'));
    expect(listed).toHaveLength(40 + night2.added.length - night2.removed.length);
    expect(listed).not.toContain(`${SITE}/ip/${slugOf(night2.removed[0]!)}/`);
    for (const k of night2.added) expect(listed).toContain(`${SITE}/ip/${slugOf(k)}/`);
  });
});

describe('a night in which only time passes', () => {
  it('re-renders no report, country or network page: they show nothing that decays or is re-checked', () => {
    const c = changes('e');
    expect([...c.changed, ...c.added, ...c.removed].filter((f) => /^(ip|country|asn)\/[^/]+\//.test(f))).toEqual([]);
    expect(quiet.pagesRendered).toBeLessThan(quiet.pages / 2);
  });

  it('rewrites what says today\'s date or scores (home, about) and tonight\'s additions, not the blocklists themselves', () => {
    const c = changes('e');
    expect(c.changed).toEqual(expect.arrayContaining(['index.html', 'about/index.html', 'blocklist/added.txt']));
    // the blocklists list the same addresses with the same report scores: the same files, left alone by a
    // CDN sync; only the lists of what this run added or removed change (they are empty tonight)
    expect(c.changed.filter((f) => f.startsWith('blocklist/') && !f.endsWith('.html') && !/\/(added|removed)\.txt$/.test(f))).toEqual([]);
  });
});

describe('a previous site whose manifest is damaged', () => {
  it('costs a full build, not a failed one: everything rendered, nothing taken over, the same bytes as a full build', () => {
    expect(damaged.reused).toBe(0);
    expect(damaged.rendered).toBe(first.rendered);
    expect(damaged.publish.mode).toBe('replace');
    expectSameTree('f', 'a');
  });
});
