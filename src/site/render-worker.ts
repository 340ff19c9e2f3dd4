// The child side of buildSite(): one Astro static build over this worker's share of the site
// (render-share.ts) into its own folder, then the share's data files (data-files.ts), then a result
// file telling buildSite() every route of the share with its digest and every file written with its
// hash. The worker exits when its parent goes away, so a killed nightly run leaves no build behind.
import { build } from 'astro';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { snapshot } from '../lib/snapshot.ts';
import { exportDataFiles, reportJsonFiles, searchIndexFiles, writeDataFile, type DataFile } from './data-files.ts';
import { projectRoot } from './data-paths.ts';
import { routeId, type TrackedRoute } from './page-inputs.ts';
import { currentShare } from './render-share.ts';
import { hashFile, MANIFEST_DIR } from './site-manifest.ts';

export interface WorkerResult {
  /** Every tracked route of the share, rendered or kept. */
  routes: Pick<TrackedRoute, 'kind' | 'key' | 'digest' | 'files'>[];
  rendered: string[];
  /** Every file this worker wrote, with its content hash. */
  files: Record<string, string>;
  peakRssMb: number;
}

export async function runRenderWorker(argv: string[]): Promise<number> {
  const [outDir] = argv;
  if (!outDir || !process.env.PILLORY_WORKER || !process.env.PILLORY_SNAPSHOT) {
    process.stderr.write('render-worker: started without an output folder, a worker number or a snapshot (buildSite() starts it)\n');
    return 2;
  }
  // an IPC channel closes when the parent dies, even by SIGKILL
  process.on('disconnect', () => process.exit(70));
  const tStart = performance.now();
  try {
    await build({
      root: projectRoot(),
      outDir,
      site: process.env.PILLORY_SITE_URL,
      logLevel: 'error',
      // two builds at once must not share Astro's or Vite's caches
      cacheDir: `${outDir}.cache`,
      vite: { cacheDir: `${outDir}.vite` },
    });
    const tBuilt = performance.now();
    const share = currentShare();
    const site = new URL(process.env.PILLORY_SITE_URL ?? 'https://pillory.example.org');
    const own = new Set<string>();
    for (const r of share.routes) if (share.render.has(routeId(r))) for (const f of r.files) own.add(f);
    // Astro's content layer leaves two server-only stubs in a static outDir; they serve no page.
    for (const f of ['content-assets.mjs', 'content-modules.mjs']) rmSync(path.join(outDir, f), { force: true });
    // only the primary build keeps the site-wide pages, styles and public files
    if (!share.primary) for (const f of listFiles(outDir)) if (!own.has(f)) rmSync(path.join(outDir, f));
    for (const f of dataFiles(share, site)) writeDataFile(outDir, f);
    const tData = performance.now();
    const files: Record<string, string> = {};
    for (const f of listFiles(outDir).sort()) files[f] = hashFile(path.join(outDir, f));
    if (process.env.PILLORY_TIMINGS) process.stderr.write(`worker ${process.env.PILLORY_WORKER}: astro ${Math.round(tBuilt - tStart)} ms (share ${share.shareMs} ms), data ${Math.round(tData - tBuilt)} ms, hash ${Math.round(performance.now() - tData)} ms\n`);
    const result: WorkerResult = {
      routes: share.routes.map(({ kind, key, digest, files: fs }) => ({ kind, key, digest, files: fs })),
      rendered: [...share.render],
      files,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    writeFileSync(`${outDir}.result.json`, JSON.stringify(result));
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
  const render = (r: TrackedRoute) => share.render.has(routeId(r));
  const reportKeys = share.routes.filter((r) => r.kind === 'report' && render(r)).map((r) => reader.pageSummary(r.key)!.key);
  yield* reportJsonFiles(reader, reportKeys, site);
  for (const r of share.routes) {
    if (!render(r)) continue;
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
