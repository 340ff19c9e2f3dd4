import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Builds the site into a fresh folder beside `outDir`, then swaps it in with two renames. A run
 * killed between them leaves `outDir` missing and the old site parked as `.<name>.<pid>.old`:
 * recoverParkedSite() puts it back at the start of the next run.
 */
export async function buildIntoPlace<T>(outDir: string, build: (tmpDir: string) => Promise<T>, pid = process.pid): Promise<T> {
  mkdirSync(dirname(outDir), { recursive: true });
  recoverParkedSite(outDir);
  const tmp = join(dirname(outDir), `.${basename(outDir)}.${pid}.tmp`);
  const old = join(dirname(outDir), `.${basename(outDir)}.${pid}.old`);
  try {
    const result = await build(tmp);
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Removes half-built sites of dead runs and restores a parked old site if the swap was cut short. */
export function recoverParkedSite(outDir: string): void {
  const dir = dirname(outDir);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(outDir)}.`;
  for (const f of readdirSync(dir).sort()) {
    if (!f.startsWith(prefix)) continue;
    const p = join(dir, f);
    if (f.endsWith('.old') && !existsSync(outDir)) renameSync(p, outDir);
    else if (f.endsWith('.tmp') || f.endsWith('.old')) rmSync(p, { recursive: true, force: true });
  }
}
