import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { PilloryError } from '../core/errors.ts';
import type { LineCounts } from '../core/types.ts';
import type { FileCheckpoint } from '../ingest/ingest-files.ts';
import { ownerSplittable } from '../ingest/line-owner.ts';
import { DetectCore, type DetectInput, type PackedDetection, type ReadReport } from './detect-core.ts';

// Runs a run's reading and detection on one or more threads. With several, each reads every file and
// takes the lines whose client hashes to it (line-owner.ts): no state is shared or merged, and the
// results are the same as with one thread (test/pipeline/detect-threads.test.ts).

const BOOT = new URL('./detect-worker-boot.mjs', import.meta.url);
/** Inputs smaller than this are read on the calling thread (starting a worker costs more). */
const THREAD_MIN_BYTES = 32 * 1024 * 1024;

export interface DetectionRun {
  report: ReadReport;
  parts: PackedDetection[];
}

/**
 * How many threads for these files: `wanted` (0 = automatic: up to two CPUs for big inputs the format
 * allows splitting), and whether they are worker threads. A big input is read in a worker even by one
 * thread: when it ends, the memory its actors took goes back to the system before the results are
 * written.
 */
export function threadCount(wanted: number, input: Pick<DetectInput, 'paths' | 'format' | 'trustedProxies' | 'cdnRanges'>): { threads: number; workers: boolean } {
  let bytes = 0;
  for (const p of input.paths) {
    try { bytes += statSync(p).size; } catch { /* reported by the reader */ }
  }
  const big = bytes >= THREAD_MIN_BYTES;
  if (!ownerSplittable(input.format, input.trustedProxies.length + input.cdnRanges.length)) return { threads: 1, workers: big };
  if (wanted > 0) return { threads: wanted, workers: wanted > 1 || big };
  return { threads: big ? Math.min(2, availableParallelism()) : 1, workers: big };
}

/**
 * Reads and detects; `windowStart(newest)` is asked once every thread has read (asOf may depend on the
 * newest request), then the threads finish with it.
 */
export async function runDetection(input: Omit<DetectInput, 'thread' | 'threads'>, threads: number, windowStart: (newest: number | null) => number, inWorkers = threads > 1): Promise<DetectionRun> {
  if (!inWorkers) {
    const core = new DetectCore({ ...input, thread: 0, threads: 1 });
    const report = mergeReports([await core.read()]);
    return { report, parts: [core.finish(windowStart(report.newest), report.frontier)] };
  }
  const workers = Array.from({ length: threads }, (_, thread) => new Worker(BOOT, { workerData: { ...input, thread, threads } }));
  try {
    const reads = await Promise.all(workers.map((w) => next<{ type: 'read'; report: ReadReport }>(w)));
    const report = mergeReports(reads.map((r) => r.report));
    const ws = windowStart(report.newest);
    const done = workers.map((w) => next<{ type: 'done'; packed: PackedDetection }>(w));
    for (const w of workers) w.postMessage({ windowStart: ws, frontier: report.frontier });
    const parts = (await Promise.all(done)).map((d) => d.packed);
    return { report, parts };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function next<T>(w: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: T) => { cleanup(); resolve(m); };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const onExit = (code: number) => { cleanup(); reject(new PilloryError('DETECT_THREAD', `a detection thread exited (code ${code}) before it finished`)); };
    const cleanup = () => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}

/** Every line was counted by exactly one thread; all threads read the same lines and checkpoints. */
function mergeReports(reports: ReadReport[]): ReadReport {
  const counts: LineCounts = { read: 0, parsed: 0, skipped: {} };
  let newest: number | null = null;
  let frontier = -Infinity;
  for (const r of reports) {
    frontier = Math.max(frontier, r.frontier);
    counts.read += r.counts.read;
    counts.parsed += r.counts.parsed;
    for (const [k, v] of Object.entries(r.counts.skipped)) counts.skipped[k] = (counts.skipped[k] ?? 0) + v;
    if (r.newest !== null && (newest === null || r.newest > newest)) newest = r.newest;
  }
  // skip reasons in one order, whatever thread met them first
  counts.skipped = Object.fromEntries(Object.entries(counts.skipped).sort(([a], [b]) => a.localeCompare(b)));
  const first = reports[0]!;
  for (const r of reports) {
    if (r.lines !== first.lines || !sameCheckpoints(r.checkpoints, first.checkpoints)) {
      throw new PilloryError('DETECT_THREAD', 'the detection threads read different lines (a log file changed while it was read?); nothing was stored');
    }
  }
  return { counts, checkpoints: first.checkpoints, newest, lines: first.lines, frontier };
}

function sameCheckpoints(a: FileCheckpoint[], b: FileCheckpoint[]): boolean {
  return a.length === b.length && a.every((c, i) => c.fingerprint === b[i]!.fingerprint && c.offset === b[i]!.offset && c.lines === b[i]!.lines);
}
