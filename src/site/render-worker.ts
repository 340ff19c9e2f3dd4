// The child side of buildSite(): one Astro static build over this worker's share of the site
// (render-share.ts) into its own folder. Its files go to the build's output folder (PILLORY_OUT) as
// they are made (site-output.ts): the report pages' JSON twins as each page renders, the tracked pages
// when Astro has written them, then the share's export files and, for the first worker, the site-wide
// pages and files. A result file tells buildSite() every route of the share with its digest and every
// file with its hash. The worker exits when its parent goes away, so a killed nightly run leaves no
// build behind.
import { build } from 'astro';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { snapshot } from '../lib/snapshot.ts';
import { exportDataFiles, searchIndexFiles, type DataFile } from './data-files.ts';
import { projectRoot } from './data-paths.ts';
import { routeId, type TrackedRoute } from './page-inputs.ts';
import { currentShare, memoryMark, REPORT_BATCH_PAGE } from './render-share.ts';
import { MANIFEST_DIR } from './site-manifest.ts';

export interface WorkerResult {
  /** Every tracked route of the share, rendered or kept. */
  routes: Pick<TrackedRoute, 'kind' | 'key' | 'digest' | 'files'>[];
  rendered: string[];
  /** Every file this worker made, with its content hash. */
  files: Record<string, string>;
  /** The files it put into the output folder (new or changed). */
  written: string[];
  peakRssMb: number;
}

/** Server-only stubs Astro's content layer leaves in a static build's folder; they serve no page. */
const NOT_SITE_FILES = new Set(['content-assets.mjs', 'content-modules.mjs']);

export async function runRenderWorker(argv: string[]): Promise<number> {
  const [astroDir] = argv;
  if (!astroDir || !process.env.PILLORY_WORKER || !process.env.PILLORY_SNAPSHOT || !process.env.PILLORY_OUT) {
    process.stderr.write('render-worker: started without a folder, a worker number, a snapshot or an output folder (buildSite() starts it)\n');
    return 2;
  }
  // an IPC channel closes when the parent dies, even by SIGKILL
  process.on('disconnect', () => process.exit(70));
  const tStart = performance.now();
  try {
    await build({
      root: projectRoot(),
      outDir: astroDir,
      site: process.env.PILLORY_SITE_URL,
      logLevel: 'error',
      // two builds at once must not share Astro's or Vite's caches
      cacheDir: `${astroDir}.cache`,
      vite: { cacheDir: `${astroDir}.vite` },
    });
    const tBuilt = performance.now();
    const share = currentShare();
    memoryMark("astro's end");
    const site = new URL(process.env.PILLORY_SITE_URL ?? 'https://pillory.example.org');
    // the tracked pages left already (astro:build:generated); the first worker keeps the rest: the
    // site-wide pages, styles, public files and the sitemap
    if (share.primary) for (const f of listFiles(astroDir)) if (!NOT_SITE_FILES.has(f) && !REPORT_BATCH_PAGE.test(f)) share.out.adopt(astroDir, f);
    for (const f of dataFiles(share, site)) {
      share.out.emit(f.path, f.body);
      await share.out.room();
    }
    await share.out.flush();
    memoryMark('data files');
    if (process.env.PILLORY_TIMINGS) {
      const ms = (a: number, b: number) => Math.round(b - a);
      const generated = share.generatedAt ?? tBuilt;
      process.stderr.write(`worker ${process.env.PILLORY_WORKER}: bundling ${ms(tStart, share.startedAt)} ms, share ${share.shareMs} ms, pages ${ms(share.startedAt + share.shareMs, generated)} ms `
        + `(${share.render.size} routes), astro's end ${ms(generated, tBuilt)} ms, data files and the rest ${ms(tBuilt, performance.now())} ms; `
        + `heap used / peak RSS so far (MB) after each phase: ${share.memory.join(', ')}\n`);
    }
    const result: WorkerResult = {
      routes: share.routes.map(({ kind, key, digest, files: fs }) => ({ kind, key, digest, files: fs })),
      rendered: [...share.render],
      files: share.out.files,
      written: share.out.written,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    writeFileSync(`${astroDir}.result.json`, JSON.stringify(result));
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    process.removeAllListeners('disconnect');
    if (process.connected) process.disconnect();
  }
}

function* dataFiles(share: ReturnType<typeof currentShare>, site: URL): Generator<DataFile> {
  const reader = snapshot();
  for (const r of share.routes) {
    if (!share.render.has(routeId(r))) continue;
    if (r.kind === 'country-exports') yield* exportDataFiles(reader, { kind: 'country', code: r.key.toUpperCase() }, site);
    if (r.kind === 'asn-exports') yield* exportDataFiles(reader, { kind: 'asn', asn: Number(r.key) }, site);
  }
  if (share.primary) {
    yield* exportDataFiles(reader, { kind: 'all' }, site);
    yield* searchIndexFiles(reader);
  }
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => !f.startsWith(`${MANIFEST_DIR}/`));
}
