// Where a render worker's files go: straight into the build's output folder, each hashed once, and
// only if it differs from the previous build's file (an incremental build's folder holds just what
// changed; publishSite() patches those into the live site). Files Astro rendered into the worker's own
// folder are moved in — a report page's folder with one rename — so the parent process never touches
// them again; data files (JSON twins, exports) are written there directly.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Files written at once: enough to keep the disk busy, well under any open-files limit. */
const IN_FLIGHT = 32;
/**
 * Characters of bodies held until written (bytes, near enough: the files are mostly ASCII), past which
 * room() holds makers back whatever the count: the site-wide exports of 200,000 addresses are tens of
 * MB each, and thirteen of them queued at once pushed a worker out of its capped heap.
 */
const PENDING_BYTES = 48 * 1024 * 1024;

export const contentHash = (bytes: string | Buffer): string => createHash('sha1').update(bytes).digest('base64url');

export class SiteOutput {
  /** Every file this worker produced, with its content hash (written or not). */
  readonly files: Record<string, string> = {};
  /** Files put into the output folder: new, or different from the previous build's. */
  readonly written: string[] = [];
  readonly #dir: string | null;
  readonly #previous: Readonly<Record<string, string>> | null;
  readonly #made = new Set<string>();
  readonly #queue: Array<{ to: string; body: string }> = [];
  #running = 0;
  /** Characters of the bodies queued or being written. */
  #pending = 0;
  #waiting: Array<{ backlog: number; resolve: () => void }> = [];
  readonly #making = new Map<string, Promise<void>>();
  #failed: Error | undefined;

  /**
   * @param dir the build's output folder (null: keep nothing, as in a plain `astro build`)
   * @param previous content hashes of the previous build's files, when this build patches it
   */
  constructor(dir: string | null, previous: Readonly<Record<string, string>> | null) {
    this.#dir = dir;
    this.#previous = previous;
  }

  /**
   * A file made in memory (site-relative path with forward slashes). It is written off this thread,
   * IN_FLIGHT files at a time, while the next pages render; room() and flush() wait for the writes.
   */
  emit(rel: string, body: string): void {
    if (!this.#keep(rel, contentHash(body))) return;
    this.#queue.push({ to: this.#path(rel), body });
    this.#pending += body.length;
    this.#pump();
  }

  /**
   * Resolves once at most `backlog` files wait to be written and their bodies are under PENDING_BYTES
   * (counted in characters): makers of many files, or of big ones, wait here, so bodies do not pile
   * up in memory.
   */
  room(backlog = 256): Promise<void> {
    if (this.#roomFor(backlog)) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ backlog, resolve }));
  }

  /** Characters of file bodies held until written (for tests and timings). */
  get pending(): number {
    return this.#pending;
  }

  #roomFor(backlog: number): boolean {
    return this.#queue.length <= backlog && (this.#pending <= PENDING_BYTES || this.#running + this.#queue.length <= 1);
  }

  /** Waits until every file is written; throws the first write that failed. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running > 0) {
      await new Promise<void>((resolve) => this.#waiting.push({ backlog: -1, resolve }));
    }
    if (this.#failed) throw this.#failed;
  }

  #pump(): void {
    while (this.#running < IN_FLIGHT && this.#queue.length > 0) {
      const { to, body } = this.#queue.shift()!;
      const dir = path.dirname(to);
      this.#running++;
      (this.#made.has(dir) ? writeFile(to, body) : this.#folderAsync(dir).then(() => writeFile(to, body)))
        .catch((e: unknown) => { this.#failed ??= e as Error; })
        .finally(() => {
          this.#running--;
          this.#pending -= body.length;
          this.#pump();
          this.#wake();
        });
    }
  }

  #wake(): void {
    const idle = this.#queue.length === 0 && this.#running === 0;
    const still: Array<{ backlog: number; resolve: () => void }> = [];
    for (const w of this.#waiting) {
      if (w.backlog < 0 ? idle : this.#roomFor(w.backlog)) w.resolve();
      else still.push(w);
    }
    this.#waiting = still;
  }

  /**
   * A file Astro wrote under `root`. A page that is alone in its folder (`ip/<slug>/index.html`) can
   * move with its folder, one rename; other files move one by one. What is not kept stays behind (the worker's
   * folder is removed after the build).
   */
  adopt(root: string, rel: string, aloneInFolder = false): void {
    const from = path.join(root, ...rel.split('/'));
    if (!this.#keep(rel, contentHash(readFileSync(from)))) return;
    const to = this.#path(rel);
    if (aloneInFolder && readdirSync(path.dirname(from)).length === 1) {
      this.#folder(path.dirname(path.dirname(to)));
      try {
        renameSync(path.dirname(from), path.dirname(to));
        return;
      } catch {
        // the folder is there already (another file of it was kept): move the file alone
      }
    }
    this.#folder(path.dirname(to));
    try {
      renameSync(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      writeFileSync(to, readFileSync(from)); // another file system
      rmSync(from);
    }
  }

  #keep(rel: string, hash: string): boolean {
    this.files[rel] = hash;
    if (this.#dir === null || this.#previous?.[rel] === hash) return false;
    this.written.push(rel);
    return true;
  }

  #path(rel: string): string {
    return path.join(this.#dir!, ...rel.split('/'));
  }

  /** A folder made once however many files go into it (the first file's write waits for it). */
  #folderAsync(dir: string): Promise<void> {
    let made = this.#making.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true }).then(() => { this.#made.add(dir); this.#making.delete(dir); });
      this.#making.set(dir, made);
    }
    return made;
  }

  #folder(dir: string): void {
    if (this.#made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.#made.add(dir);
  }
}
