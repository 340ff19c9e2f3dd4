// npm run bench:site [-- [--verify] [--workers N] [--keep DIR] [N …]]   (default N: 10000 100000)
// Times the site build on synthetic snapshots of N published actors: a full build, then a night in
// which 1% of the actors changed (plus 0.1% new and 0.1% taken off), built incrementally on top of
// the first. Prints pages per second, the time of each phase, and peak memory. --verify also builds
// the changed night in full and checks the incremental result equals it byte for byte. --keep DIR
// works in DIR and leaves its snapshots and sites there, to time single builds again with
// scripts/bench/site-build.ts.
// A benchmark, not a test: nothing here asserts a speed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';
import type { BuildSiteResult } from '../../src/site/build-site.ts';
import { changeSome, makeSyntheticSnapshot } from './synthetic-snapshot.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const args = process.argv.slice(2);
const verify = args.includes('--verify');
const wi = args.indexOf('--workers');
const workers = wi >= 0 ? Number(args[wi + 1]) : undefined;
const ki = args.indexOf('--keep');
const keep = ki >= 0 ? path.resolve(args[ki + 1] ?? '') : null;
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--workers').map(Number);
if (keep) mkdirSync(keep, { recursive: true });
const work = keep ?? mkdtempSync(path.join(tmpdir(), 'pillory-bench-site-'));

/** The demo's published actors (real probers from the bundled logs) are the templates of the synthetic ones. */
async function baseSnapshot(): Promise<string> {
  const cfg = { ...loadConfigFile(path.join(ROOT, 'data/demo/pillory.config.yaml')), db: path.join(work, 'demo.sqlite') };
  const run = await runNightly(cfg, { now: Date.now, log: () => undefined });
  run.copy.publish();
  return cfg.db;
}

const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type Timed = BuildSiteResult & { ms: number; parentRssMb: number; treePeakMb: number | null };

/**
 * As `pillory build` does it: into a staging folder, then live (a whole new site, or a patch of what
 * changed); in a process of its own, so its peak memory is the build's (scripts/bench/site-build.ts,
 * which also samples the sum of its own and its render workers' memory).
 */
function timedBuild(snapshot: string, live: string, incremental: boolean): Timed {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/site-build.ts'), snapshot, live, incremental ? 'incremental' : 'full', ...(workers ? [String(workers)] : [])],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the build of ${snapshot} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Timed;
}

function line(label: string, r: Timed): void {
  const f = r.files;
  const peak = r.parentRssMb;
  console.log(`  ${label.padEnd(12)} ${sec(r.ms).padStart(7)}  ${String(Math.round(r.pages / (r.ms / 1000))).padStart(6)} pages/s of site, ` +
    `${r.rendered} tracked routes rendered, ${r.reused} kept; files +${f.added.length} ~${f.changed.length} -${f.removed.length} =${f.unchanged}`);
  console.log(`  ${''.padEnd(12)} phases: workers ${sec(r.phaseMs.render)}, merge ${sec(r.phaseMs.merge)}; ` +
    `peak RSS: workers ${r.workerRssMb.join(' + ')} MB, the process that started them ${peak} MB, their sum at its highest ${r.treePeakMb ?? 'unknown (no /proc)'} MB` +
    (r.workersRestarted > 0 ? `; ${r.workersRestarted} worker(s) ran out of the capped heap and ran again` : ''));
}

function sameTree(a: string, b: string): string[] {
  const list = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name))).filter((f) => f !== path.join('.pillory', 'changes.json')).sort();
  const x = list(a);
  const y = new Set(list(b));
  const differ = x.filter((f) => !y.has(f) || !readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))));
  return differ.concat([...y].filter((f) => !x.includes(f)));
}

try {
  const base = await baseSnapshot();
  console.log(`site benchmark (${workers ?? 'default'} workers); snapshots and sites in ${work}`);
  for (const n of sizes.length ? sizes : [10_000, 100_000]) {
    const dir = path.join(work, String(n));
    mkdirSync(dir, { recursive: true });
    const s1 = path.join(dir, 'night1.sqlite');
    const t0 = performance.now();
    makeSyntheticSnapshot({ base, out: s1, actors: n, seed: n });
    console.log(`\n${n.toLocaleString('en-US')} published actors: synthetic snapshot ${mb(statSync(s1).size)} (made in ${sec(performance.now() - t0)})`);
    const site = path.join(dir, 'site');
    const full = timedBuild(s1, site, false);
    line('full build', full);
    const s2 = path.join(dir, 'night2.sqlite');
    copyFileSync(s1, s2);
    const c = changeSome(s2, { fraction: 0.01, added: Math.round(n / 1000), removed: Math.round(n / 1000), seed: n + 1 });
    const night = timedBuild(s2, site, true);
    line(`1% changed`, night);
    console.log(`  ${''.padEnd(12)} (${c.changed.length} actors changed, ${c.added.length} added, ${c.removed.length} removed)`);
    if (verify) {
      const check = timedBuild(s2, path.join(dir, 'site-full'), false);
      const differ = sameTree(site, path.join(dir, 'site-full'));
      console.log(`  verify       full build of night 2 in ${sec(check.ms)}: ${differ.length === 0 ? 'identical to the incremental build' : `${differ.length} files differ, e.g. ${differ.slice(0, 5).join(', ')}`}`);
    }
    // nothing is deleted until every size is measured: on some disks (ext4 with online discard) file
    // creation runs many times slower for minutes after a large tree is removed
  }
} finally {
  if (keep) {
    console.log(`\nkept in ${keep}; a single build again, e.g.:\n  node --import tsx scripts/bench/site-build.ts ${path.join(keep, String((sizes.length ? sizes : [10_000, 100_000]).at(-1)), 'night1.sqlite')} <new folder> full`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
}
