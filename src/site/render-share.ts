// Which part of the site this Astro build renders. buildSite() starts one build per worker process
// with PILLORY_WORKER=<i>/<n>; each worker takes every n-th tracked route (reports, country and network
// pages, export groups), hashes the input of each, and renders only those whose digest differs from
// the previous build's manifest (PILLORY_PREVIOUS). Worker 0 also renders the site-wide pages and the
// sitemap. Without PILLORY_WORKER (a plain `astro build`) a build renders everything.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { snapshot } from '../lib/snapshot.ts';
import { trackedRoutes, routeId, type TrackedKind, type TrackedRoute } from './page-inputs.ts';
import { readManifest, type SiteManifest } from './site-manifest.ts';
import { SiteOutput } from './site-output.ts';
import { siteUrl } from './site-url.ts';

export interface Share {
  worker: number;
  workers: number;
  /** This build renders the site-wide pages, exports and the sitemap. */
  primary: boolean;
  /** The tracked routes of this share, with their digests. */
  routes: TrackedRoute[];
  /** Ids (`<kind> <key>`) of the routes of this share to render; the others are kept from the previous build. */
  render: Set<string>;
  /** Time spent working the share out (digests), in ms. */
  shareMs: number;
  /** Where this worker's files go (PILLORY_OUT), each hashed, and written only if it changed. */
  out: SiteOutput;
  /** When (performance.now()) the share was first asked for, and when Astro had written the pages. */
  startedAt: number;
  generatedAt?: number;
  /** Memory at the end of each phase, for PILLORY_TIMINGS (memoryMark()). */
  memory: string[];
  /** The report slugs to render, in batches (reportBatches()). */
  batches?: string[][];
}

// Held on globalThis: the pages' copy of this module (bundled by Astro) and the worker's own copy
// (render-worker.ts) must see the same share, worked out once.
const SLOT = Symbol.for('pillory.render-share');
const slot = globalThis as { [SLOT]?: Share };

/** The share of this process, worked out once (the first page that asks pays for the digests). */
export function currentShare(): Share {
  const known = slot[SLOT];
  if (known) return known;
  const t0 = performance.now();
  const spec = /^(\d+)\/(\d+)$/.exec(process.env.PILLORY_WORKER ?? '');
  const worker = spec ? Number(spec[1]) : 0;
  const workers = spec ? Number(spec[2]) : 1;
  const site = siteUrl(process.env.PILLORY_SITE_URL ? new URL(process.env.PILLORY_SITE_URL) : undefined);
  const previousDir = process.env.PILLORY_PREVIOUS || null;
  const previous = previousDir ? readManifest(previousDir) : null;
  const fingerprint = process.env.PILLORY_FINGERPRINT ?? '';
  const usable = previous && previous.fingerprint === fingerprint ? previous : null;
  const routes = [...trackedRoutes(snapshot(), site, { worker, workers })];
  const render = new Set<string>();
  for (const r of routes) if (!reusable(r, usable, previousDir)) render.add(routeId(r));
  const out = new SiteOutput(process.env.PILLORY_OUT || null, usable?.files ?? null);
  const share: Share = { worker, workers, primary: worker === 0, routes, render, shareMs: Math.round(performance.now() - t0), out, startedAt: t0, memory: [] };
  slot[SLOT] = share;
  memoryMark('share');
  return share;
}

/** The previous build wrote this route from the same input, and its files are still there. */
function reusable(r: TrackedRoute, prev: SiteManifest | null, dir: string | null): boolean {
  return prev !== null && dir !== null && prev.routes[routeId(r)] === r.digest
    && r.files.every((f) => prev.files[f] !== undefined && existsSync(path.join(dir, f)));
}

/**
 * Called when Astro has written the pages (astro:build:generated), before it walks its output folder:
 * the tracked pages this share rendered move to the build's output folder, each with its folder.
 */
export function adoptRenderedPages(astroOutDir: string): void {
  const share = currentShare();
  share.generatedAt = performance.now();
  memoryMark('pages');
  for (const r of share.routes) {
    if (!share.render.has(routeId(r))) continue;
    // report pages were handed over as their batch rendered them
    for (const f of r.files) if (f.endsWith('.html') && !(f in share.out.files)) share.out.adopt(astroOutDir, f, f.endsWith('/index.html'));
  }
}

/**
 * Notes, at the end of a phase, the heap in use and the peak resident memory so far (MB): which phase
 * raised the peak is what PILLORY_TIMINGS prints.
 */
export function memoryMark(phase: string): void {
  const mb = (n: number) => Math.round(n / 1048576);
  currentShare().memory.push(`${phase} ${mb(process.memoryUsage().heapUsed)}/${Math.round(process.resourceUsage().maxRSS / 1024)}`);
}

/** Report pages a render worker makes per route (pages/report-batch/[batch].astro). */
export const REPORT_BATCH = 32;
/** Site paths of the batch routes' own files, which are not part of the site. */
export const REPORT_BATCH_PAGE = /^\/?report-batch\//;

/** Under a render worker (buildSite()), rather than a plain `astro build` or `astro dev`. */
export function inWorker(): boolean {
  return Boolean(process.env.PILLORY_WORKER && process.env.PILLORY_OUT);
}

/** The slugs of the report pages this worker renders, REPORT_BATCH per batch; none outside a worker. */
export function reportBatches(): string[][] {
  if (!inWorker()) return [];
  const share = currentShare();
  if (!share.batches) {
    const slugs = share.routes.filter((r) => r.kind === 'report' && share.render.has(routeId(r))).map((r) => r.key);
    share.batches = Array.from({ length: Math.ceil(slugs.length / REPORT_BATCH) }, (_, i) => slugs.slice(i * REPORT_BATCH, (i + 1) * REPORT_BATCH));
  }
  return share.batches;
}

/** A data file a page makes beside itself (a report's JSON twin), into the build's output folder. */
export function emitBeside(f: { path: string; body: string }): void {
  currentShare().out.emit(f.path, f.body);
}

/** Waits while too many of this worker's files are still to be written (a batch waits before it renders). */
export function outputRoom(): Promise<void> {
  return currentShare().out.room();
}

/** Whether this build renders the tracked page (or export group) `key` of `kind`. */
export function planned(kind: TrackedKind, key: string | number): boolean {
  return currentShare().render.has(`${kind} ${key}`);
}

export function isPrimary(): boolean {
  const spec = /^(\d+)\/(\d+)$/.exec(process.env.PILLORY_WORKER ?? '');
  return !spec || spec[1] === '0';
}

/** URL paths of the tracked pages: the sitemap takes these from the snapshot, not from what was rendered. */
export const TRACKED_PAGE = /^\/(?:ip|country|asn)\/[^/]+\/$/;
