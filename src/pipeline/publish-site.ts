import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * How a finished build goes live. `replace`: the staging folder is the whole new site and is swapped
 * in with two renames. `patch`: it holds only the files that differ from the live site, which are
 * moved in one by one (the old ones moved aside first) and `remove` deleted, under a journal, so a
 * night that changed 1% of the site touches 1% of its files instead of rewriting all of them.
 */
export interface PublishPlan {
  mode: 'replace' | 'patch';
  /** patch: files to put in place, relative to the site root, in order (the build's manifest last). */
  write: string[];
  /** patch: files of the live site that the new build no longer has. */
  remove: string[];
}

interface Journal { staging: string; backup: string; write: string[]; remove: string[] }

const sibling = (outDir: string, pid: number, what: string) => join(dirname(outDir), `.${basename(outDir)}.${pid}.${what}`);

/**
 * Builds the site into a fresh folder beside `outDir`, then puts it live as the build's plan says
 * (whole-folder swap without a plan). Until the swap or patch is done the live site is the previous
 * one; a run killed in the middle of either is undone by recoverParkedSite() at the start of the next.
 */
export async function buildIntoPlace<T>(outDir: string, build: (tmpDir: string) => Promise<T>, planOf: (result: T) => PublishPlan | undefined = () => undefined,
  pid = process.pid): Promise<T> {
  mkdirSync(dirname(outDir), { recursive: true });
  recoverParkedSite(outDir);
  const tmp = sibling(outDir, pid, 'tmp');
  try {
    const result = await build(tmp);
    const plan = planOf(result);
    if (plan?.mode === 'patch' && existsSync(outDir)) patchInPlace(tmp, outDir, plan, pid);
    else swapInPlace(tmp, outDir, pid);
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function swapInPlace(tmp: string, outDir: string, pid: number): void {
  const old = sibling(outDir, pid, 'old');
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** Moves each file of the plan in, the replaced or removed ones aside into a backup; the journal says how to undo it. */
function patchInPlace(staging: string, live: string, plan: PublishPlan, pid: number): void {
  const backup = sibling(live, pid, 'bak');
  const journal = sibling(live, pid, 'journal');
  const j: Journal = { staging, backup, write: plan.write, remove: plan.remove };
  writeDurably(journal, JSON.stringify(j));
  try {
    for (const f of plan.write) {
      const dst = join(live, f);
      if (existsSync(dst)) move(dst, join(backup, f));
      move(join(staging, f), dst);
    }
    for (const f of plan.remove) {
      const dst = join(live, f);
      if (existsSync(dst)) move(dst, join(backup, f));
      pruneEmptyDirs(live, f);
    }
  } catch (e) {
    rollBack(live, j);
    unlinkSync(journal);
    rmSync(backup, { recursive: true, force: true });
    throw e;
  }
  unlinkSync(journal); // the commit point: from here on the new site stands
  rmSync(backup, { recursive: true, force: true });
}

/** Undoes a patch cut short: the backed-up files go back, the files it added go away. */
function rollBack(live: string, j: Journal): void {
  for (const f of [...j.write].reverse()) {
    const dst = join(live, f);
    if (existsSync(join(j.backup, f))) move(join(j.backup, f), dst);
    else if (!existsSync(join(j.staging, f)) && existsSync(dst)) {
      unlinkSync(dst); // it was new: moved in from staging, with nothing behind it
      pruneEmptyDirs(live, f);
    }
  }
  for (const f of j.remove) if (existsSync(join(j.backup, f))) move(join(j.backup, f), join(live, f));
}

/**
 * Removes half-built sites of dead runs, undoes a patch a dead run left half done, and restores a
 * parked old site if a swap was cut short.
 */
export function recoverParkedSite(outDir: string): void {
  const dir = dirname(outDir);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(outDir)}.`;
  const entries = readdirSync(dir).filter((f) => f.startsWith(prefix)).sort();
  for (const f of entries.filter((e) => e.endsWith('.journal'))) {
    const p = join(dir, f);
    let j: Journal | null = null;
    try {
      j = JSON.parse(readFileSync(p, 'utf8')) as Journal;
    } catch {
      // written with a rename after fsync: a journal that cannot be read was never committed to
    }
    if (j) rollBack(outDir, j);
    unlinkSync(p);
  }
  for (const f of readdirSync(dir).filter((e) => e.startsWith(prefix)).sort()) {
    const p = join(dir, f);
    if (f.endsWith('.old') && !existsSync(outDir)) renameSync(p, outDir);
    else if (f.endsWith('.tmp') || f.endsWith('.old') || f.endsWith('.bak') || f.endsWith('.journal.tmp')) rmSync(p, { recursive: true, force: true });
  }
}

function move(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  renameSync(from, to);
}

/** Folders a removed file leaves empty (ip/<slug>/ of an actor no longer published) go too. */
function pruneEmptyDirs(root: string, file: string): void {
  for (let d = dirname(file); d !== '.' && d !== '/'; d = dirname(d)) {
    try {
      rmdirSync(join(root, d));
    } catch {
      return; // not empty, or gone already
    }
  }
}

function writeDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
