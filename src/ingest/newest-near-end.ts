import { open } from 'node:fs/promises';
import { isGzip } from './log-content.ts';
import type { ParsedHit } from './build-hit.ts';

// With asOf "newest" the window's start depends on the newest request, which is only known once
// everything is read, yet a line must be judged inside or outside the window as it is read. So the
// newest time is estimated first from the last lines of each plain file (logs are appended in time
// order, give or take a few seconds); compressed rotations are older by construction.

const TAIL_BYTES = 64 * 1024;

/** The newest time among the last complete lines of each plain file (up to its planned end), or null. */
export async function newestNearEnd(paths: readonly string[], ends: ReadonlyMap<string, number>, parse: (line: string) => ParsedHit | string): Promise<number | null> {
  let newest: number | null = null;
  for (const path of paths) {
    if (await isGzip(path)) continue;
    const end = ends.get(path);
    if (!end) continue;
    const start = Math.max(0, end - TAIL_BYTES);
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(end - start);
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      const text = buf.toString('utf8', 0, bytesRead);
      const lines = text.split('\n');
      lines.pop(); // after the last newline: maybe half a line
      if (start > 0) lines.shift(); // before the first: maybe half a line
      for (const line of lines) {
        const h = parse(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (typeof h !== 'string' && h.ts >= 0 && (newest === null || h.ts > newest)) newest = h.ts;
      }
    } finally {
      await fh.close();
    }
  }
  return newest;
}
