import { FINGERPRINT_BYTES } from './fingerprint.ts';
import { isGzip, readHead } from './log-content.ts';
import type { ParsedHit } from './build-hit.ts';

// Files are read oldest first, whatever their names: `access.log` sorts before `access.log.1`, but
// its lines are newer, and rules that need requests in time order (bursts, redirect→404) only
// tolerate lines a few minutes out of place (reorderSeconds). A file's age is the time of the first
// line its first 4 KiB hold; a file without one keeps its place after the dated ones.

export async function orderByFirstTime(paths: readonly string[], parse: (line: string) => ParsedHit | string): Promise<string[]> {
  const keyed: { path: string; ts: number; i: number }[] = [];
  for (const [i, path] of paths.entries()) {
    let ts = Infinity;
    try {
      const head = await readHead(path, await isGzip(path), FINGERPRINT_BYTES);
      const lines = head.toString('utf8').split('\n');
      if (head.length >= FINGERPRINT_BYTES) lines.pop(); // cut in the middle
      for (const line of lines) {
        const h = parse(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (typeof h !== 'string' && h.ts >= 0) { ts = h.ts; break; }
      }
    } catch {
      // unreadable: the reader reports it in its place
    }
    keyed.push({ path, ts, i });
  }
  return keyed.sort((a, b) => a.ts - b.ts || a.i - b.i).map((k) => k.path);
}
