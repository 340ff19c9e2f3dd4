// Runs the Astro static build over one snapshot. The snapshot path and site URL reach the pages
// through the environment (astro.config.ts and src/lib/snapshot.ts read them), so both are set for
// the duration of the build and restored afterwards.
import { cp, mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from 'astro';
import { PilloryError } from '../core/errors.ts';
import { SnapshotReader } from '../lib/snapshot.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuildSiteOptions {
  snapshot: string;
  outDir: string;
  siteUrl: string;
}

export async function buildSite(opts: BuildSiteOptions): Promise<{ pages: number }> {
  const outDir = path.resolve(opts.outDir);
  // fail with our own sentence (missing file, wrong schema version) before Astro wraps the error
  new SnapshotReader(path.resolve(opts.snapshot)).close();
  const env = {
    PILLORY_SNAPSHOT: path.resolve(opts.snapshot),
    PILLORY_SITE_URL: opts.siteUrl,
    // bundled pages cannot find data/ relative to themselves (see src/site/data-paths.ts)
    PILLORY_ROOT: ROOT,
    // a nightly job has no use for Astro's telemetry notice or network calls
    ASTRO_TELEMETRY_DISABLED: '1',
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  // Astro writes its server chunks to <cwd>/.astro/ whenever outDir lies outside the working
  // directory, so two builds at once (tests, a nightly next to a preview) would overwrite each other's
  // chunks. Building into a private folder inside the project avoids the shared folder.
  const cwd = process.cwd();
  await mkdir(path.join(ROOT, '.astro'), { recursive: true });
  await sweepStaging(path.join(ROOT, '.astro'));
  const staging = await mkdtemp(path.join(ROOT, '.astro', 'out-'));
  try {
    if (cwd !== ROOT.replace(/[\\/]$/, '')) process.chdir(ROOT);
    await build({ root: ROOT, outDir: staging, site: opts.siteUrl, logLevel: 'error' });
    process.chdir(cwd);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(path.dirname(outDir), { recursive: true });
    await rename(staging, outDir).catch(async () => {
      await cp(staging, outDir, { recursive: true }); // another file system
    });
  } catch (cause) {
    throw new PilloryError('SITE_BUILD', `the site build into ${outDir} failed: ${(cause as Error).message}`, { cause });
  } finally {
    process.chdir(cwd);
    await rm(staging, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) restore(k, v);
  }
  // Astro's content layer leaves two server-only stubs in a static outDir; they serve no page.
  await Promise.all(['content-assets.mjs', 'content-modules.mjs'].map((f) => rm(path.join(outDir, f), { force: true })));
  return { pages: await countHtml(outDir) };
}

/** Astro can recreate an empty staging folder after the build; drop old empty ones (rmdir never removes a full one). */
async function sweepStaging(dir: string): Promise<void> {
  const old = Date.now() - 10 * 60_000;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('out-')) continue;
    const p = path.join(dir, e.name);
    const s = await stat(p).catch(() => null);
    if (s && s.mtimeMs < old) await rmdir(p).catch(() => undefined);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function countHtml(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).length;
}
