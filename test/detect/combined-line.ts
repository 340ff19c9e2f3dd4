import type { Hit } from '../../src/core/types.ts';
import { parseLine } from '../../src/ingest/parse-line.ts';

/** One combined-format sample line as ingest would store it, with a row id; null when it does not parse. */
export function parseCombined(line: string, id: number): Hit | null {
  const r = parseLine(line, 'combined');
  return r.ok ? { id, ...r.hit } : null;
}
