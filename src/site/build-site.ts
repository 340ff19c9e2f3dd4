// Builds the static site from one snapshot, incrementally and on every core. Worker processes
// (render-worker.ts) each take a share of the tracked routes — reports, country and network pages and
// their exports (render-share.ts) — hash the input of each (page-inputs.ts), and render only those
// whose digest differs from the previous build's manifest; the first worker also renders the
// site-wide pages, exports and the sitemap. The workers put every file that is new or changed into
// the output folder themselves (site-output.ts); this process then writes the manifest: every file
// with its hash, kept or made, and what changed. The live site is patched with those files, or
// replaced (publish-site.ts). The result equals a full build byte for byte
// (test/site/incremental-build.test.ts).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PilloryError } from '../core/errors.ts';
import { SnapshotReader } from '../lib/snapshot.ts';
import { siteFingerprint } from './build-fingerprint.ts';
import { routeId } from './page-inputs.ts';
import type { WorkerResult } from './render-worker.ts';
import { fileChanges, MANIFEST_FILES, MANIFEST_VERSION, readManifest, readManifestFingerprint, writeManifest, type FileChanges, type SiteManifest } from './site-manifest.ts';
import type { PublishPlan } from '../pipeline/publish-site.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../../scripts/render-worker.mjs', import.meta.url));
/**
 * The render workers' old space, in MB. With it V8 collects before it grows: the two workers of a
 * 100,000-report build peaked at 1.03 and 0.96 GB instead of 1.95 and 1.70 GB, for 4% more time. A
 * worker whose share does not fit is started again without the cap (see runWorker()).
 * PILLORY_WORKER_HEAP_MB overrides it; 0 means no cap.
 */
const WORKER_HEAP_MB = 700;
/** Below this many published actors, a second worker costs more (its own bundling) than it saves. */
const ACTORS_PER_EXTRA_WORKER = 2000;

export interface BuildSiteOptions {
  snapshot: string;
  /** A new, empty or missing folder to build into. */
  outDir: string;
  siteUrl: string;
  /** The live site of the previous build: what did not change is taken over from it. */
  previousDir?: string | null;
  /** Render everything, reusing nothing. */
  full?: boolean;
  /** Worker processes (default: one per core, fewer for small sites; a number given is used as it is). */
  workers?: number;
}

export interface BuildSiteResult {
  /** HTML pages in the site, and how many of them this build rendered (the rest were kept). */
  pages: number;
  pagesRendered: number;
  /** Tracked routes (report, country and network pages, export groups) rendered, and kept unchanged. */
  rendered: number;
  reused: number;
  workers: number;
  files: FileChanges;
  /** Peak resident memory of each worker process, in MB (they run at the same time). */
  workerRssMb: number[];
  /** Workers that ran out of their capped heap and were run again without the cap. */
  workersRestarted: number;
  /** Where the time went, in ms: the workers (digests, rendering, writing), then the manifest. */
  phaseMs: { render: number; merge: number };
  /** How the staging folder goes live (see publishSite()). */
  publish: PublishPlan;
}

export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const t0 = performance.now();
  const outDir = path.resolve(opts.outDir);
  const snapshotFile = path.resolve(opts.snapshot);
  const site = new URL(opts.siteUrl);
  // fail with our own sentence (missing file, wrong schema version) before any worker starts
  const reader = new SnapshotReader(snapshotFile);
  const actors = reader.publishedCount();
  reader.close();
  const fingerprint = siteFingerprint(ROOT, { siteUrl: site.href, manifest: MANIFEST_VERSION });
  const previousDir = opts.previousDir && !opts.full ? path.resolve(opts.previousDir) : null;
  // only the fingerprint while the workers run (they read the manifest themselves): at 100,000 reports
  // the whole manifest is about 120 MB of this process's memory, held at the workers' peak for nothing
  const reuse = previousDir !== null && readManifestFingerprint(previousDir) === fingerprint;
  // as many as asked for; by default one per core, fewer for a small site
  const workers = Math.max(1, opts.workers ?? Math.min(availableParallelism(), 1 + Math.floor(actors / ACTORS_PER_EXTRA_WORKER)));

  const staging = path.join(ROOT, '.astro');
  mkdirSync(staging, { recursive: true });
  sweepStaging(staging);
  const tag = `w-${process.pid}-${Date.now().toString(36)}`;
  const dirs = Array.from({ length: workers }, (_, i) => path.join(staging, `${tag}-${i}`));
  try {
    // the workers put what this build makes and differs from the live site straight in here: all of it
    // for a full build, only the changed files for an incremental one (publishSite() patches those in)
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const env = {
      PILLORY_SNAPSHOT: snapshotFile,
      PILLORY_SITE_URL: site.href,
      PILLORY_ROOT: ROOT,
      PILLORY_FINGERPRINT: fingerprint,
      PILLORY_PREVIOUS: reuse ? previousDir! : '',
      PILLORY_OUT: outDir,
    };
    let workersRestarted = 0;
    const heapMb = Number(process.env.PILLORY_WORKER_HEAP_MB ?? WORKER_HEAP_MB);
    const results = await Promise.all(dirs.map(async (d, i) => {
      const workerEnv = { ...env, PILLORY_WORKER: `${i}/${workers}` };
      try {
        return await runWorker(d, workerEnv, workerNodeArgs(heapMb));
      } catch (e) {
        if (!(e instanceof OutOfHeap)) throw e;
        // the same share again, without the cap: what it wrote already is written over with the same bytes
        workersRestarted++;
        removeWorkerFiles(d);
        return runWorker(d, workerEnv, workerNodeArgs(0));
      }
    }));
    const t1 = performance.now();
    const previous = readManifest(previousDir);
    const prev = reuse && previous?.fingerprint === fingerprint ? previous : null;

    const files: Record<string, string> = {};
    const routes: Record<string, string> = {};
    const rendered = new Set<string>();
    const write: string[] = [];
    for (const r of results) {
      Object.assign(files, r.files);
      for (const f of r.written) write.push(f);
      for (const id of r.rendered) rendered.add(id);
    }
    for (const r of results.flatMap((x) => x.routes)) {
      const id = routeId(r);
      routes[id] = r.digest;
      if (rendered.has(id)) continue;
      // kept from the live site; a manifest that cannot be read (damaged) made the workers render everything
      if (!prev) throw new PilloryError('SITE_BUILD', `the previous site's manifest in ${previousDir} changed while this build was reusing it: run the build again`);
      for (const f of r.files) files[f] = prev.files[f]!;
    }
    // what the previous site had and this one has not: pages of actors no longer published, and the like
    const remove = prev ? Object.keys(prev.files).filter((f) => !(f in files)).sort() : [];

    // in a fixed order, so the manifest does not depend on how the routes were shared among workers
    const byKey = <T,>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const sorted = byKey(files);
    const changes = fileChanges(previous?.files ?? null, sorted);
    const manifest: SiteManifest = { version: MANIFEST_VERSION, fingerprint, routes: byKey(routes), files: sorted };
    writeManifest(outDir, manifest, changes);
    // the manifest goes in last: until it does, the live site still says it is the previous build
    const publish: PublishPlan = prev ? { mode: 'patch', write: [...write.sort(), ...MANIFEST_FILES], remove } : { mode: 'replace', write: [], remove: [] };
    const ms = (a: number, b: number) => Math.round(b - a);
    return {
      pages: Object.keys(sorted).filter((f) => f.endsWith('.html')).length,
      pagesRendered: results.reduce((n, r) => n + Object.keys(r.files).filter((f) => f.endsWith('.html')).length, 0),
      rendered: rendered.size,
      reused: Object.keys(routes).length - rendered.size,
      workers,
      files: changes,
      workerRssMb: results.map((r) => r.peakRssMb),
      workersRestarted,
      phaseMs: { render: ms(t0, t1), merge: ms(t1, performance.now()) },
      publish,
    };
  } catch (cause) {
    if (cause instanceof PilloryError) throw cause;
    throw new PilloryError('SITE_BUILD', `the site build into ${outDir} failed: ${(cause as Error).message}`, { cause });
  } finally {
    for (const d of dirs) removeWorkerFiles(d);
  }
}

function removeWorkerFiles(d: string): void {
  for (const x of [d, `${d}.cache`, `${d}.vite`, `${d}.result.json`]) rmSync(x, { recursive: true, force: true });
}

/**
 * Node flags of a render worker. A 32 MB young generation (V8's default is 16) means fewer scavenges
 * of page rendering (10,000 reports: a worker's pages took 4.65 s instead of 5.2 s). The collector
 * works on the worker's own thread: with one worker per core, its helper threads only took time from
 * the other worker (100,000 reports: 76 s instead of 81 s, 110 s of CPU instead of 125 s). The old
 * space is capped at `heapMb` (0: not capped). PILLORY_WORKER_NODE_ARGS, when set, replaces these flags.
 */
function workerNodeArgs(heapMb: number): string[] {
  const custom = process.env.PILLORY_WORKER_NODE_ARGS;
  if (custom !== undefined) return custom.split(' ').filter(Boolean);
  return ['--max-semi-space-size=32', '--single-threaded-gc', ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [])];
}

/** A worker that died because its heap was full (V8's own fatal error). */
class OutOfHeap extends Error {}

/** Runs one worker to its end and returns its result. */
function runWorker(outDir: string, env: Record<string, string>, nodeArgs: string[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, WORKER, outDir], {
      cwd: ROOT,
      // a nightly job has no use for Astro's telemetry notice or network calls
      env: { ...process.env, ...env, ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let out = '';
    const keep = (b: Buffer) => { out = (out + b.toString()).slice(-8000); };
    child.stderr!.on('data', keep);
    child.stdout!.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) {
        if (process.env.PILLORY_TIMINGS) process.stderr.write(out);
        try {
          resolve(JSON.parse(readFileSync(`${outDir}.result.json`, 'utf8')) as WorkerResult);
        } catch (e) {
          reject(new Error(`render worker ${path.basename(outDir)} left no readable result: ${(e as Error).message}`));
        }
      } else {
        const Failure = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY/.test(out) ? OutOfHeap : Error;
        reject(new Failure(`render worker ${path.basename(outDir)} ${signal ? `was killed by ${signal}` : `exited with ${code}`}: ${out.trim().split('\n').slice(-12).join('\n')}`));
      }
    });
  });
}

/** Worker folders of runs that died are removed at the next start (only those older than ten minutes). */
function sweepStaging(dir: string): void {
  const old = Date.now() - 10 * 60_000;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.name.startsWith('w-') && !e.name.startsWith('out-')) continue;
    const p = path.join(dir, e.name);
    try {
      if (statSync(p).mtimeMs < old) rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

