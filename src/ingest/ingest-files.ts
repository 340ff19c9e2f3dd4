import type { BlockList } from 'node:net';
import { PilloryError } from '../core/errors.ts';
import { blockListOf } from '../core/ip.ts';
import type { Hit, LineCounts } from '../core/types.ts';
import { FINGERPRINT_BYTES, fingerprintOf, matchingFingerprints } from './fingerprint.ts';
import { ContentShorterThanStart, contentFrom, isGzip, plainSize, readHead } from './log-content.ts';
import { readLines } from './line-reader.ts';
import { stat } from 'node:fs/promises';
import { clientFromHeaders } from './forwarded-for.ts';
import { emptyHeaders, NO_TIME, type ParsedHit } from './build-hit.ts';
import { cdnRanges } from './cdn-ranges.ts';
import { lineParserFor } from './line-parser.ts';

export { expandLogPaths } from './expand-log-paths.ts';

/** How far a file's content has been read. `offset` is in (decompressed) content bytes. */
export interface FileCheckpoint { fingerprint: string; path: string; offset: number; lines: number }

export interface IngestOptions {
  /** A format name, an nginx log_format string or an Apache LogFormat string (see line-parser.ts). */
  format: string;
  /** For JSON formats: keys of the field map to override (see json-line.ts). */
  jsonFields?: Record<string, string | readonly string[]>;
  maxLineBytes: number;
  /** Checkpoints of earlier runs, by fingerprint. Keep every one returned: rotated copies need them. */
  known: ReadonlyMap<string, FileCheckpoint>;
  /**
   * Reverse proxies (addresses or CIDR ranges) allowed to name the client. When set, a `combined`
   * (or `vhost_combined`) line is read with `"$http_x_forwarded_for"` after the user agent, and for requests from these
   * proxies the client is taken from that chain (see forwarded-for.ts).
   */
  trustedProxies?: readonly string[];
  /** Ready CDN ranges switched on by name (data/proxies/<name>.txt), added to trustedProxies. */
  cdnRanges?: readonly string[];
  /**
   * Where each plain file's content ends for this run (its size when the run started), by path: a
   * file still being written is read up to there, so every thread of a run reads the same lines.
   */
  ends?: ReadonlyMap<string, number>;
  /**
   * Which lines this reader parses and counts, by the bytes of the line and its number in the run
   * (lines of every file, in order); the others are left to another thread. Default: all.
   */
  select?: (buf: Buffer, start: number, end: number, lineNo: number) => boolean;
  /** Count lines over maxLineBytes (one reader of a run does). Default true. */
  countOversized?: boolean;
}

/** Where a line was read: its file's position in `paths` and its content offset, in one number. */
export const LOC_FILE = 2 ** 40;
export const locOf = (file: number, offset: number): number => file * LOC_FILE + offset;

export interface IngestResult {
  /** read = parsed + sum(skipped). */
  counts: LineCounts;
  /** One per distinct content read in this run; upsert them by fingerprint. */
  checkpoints: FileCheckpoint[];
  newestTs: number | null;
  oldestTs: number | null;
}

/**
 * Read the lines of `paths` not read before (per `known`), hand every parsed hit to onHit, and count
 * every line. Files are recognised by content, so a renamed, compressed or repeated file never yields
 * a line twice; a file shorter than its checkpoint (truncated in place) is read from its start.
 */
export async function ingestFiles(
  paths: string[],
  opts: IngestOptions,
  onHit: (hit: Omit<Hit, 'id'>, loc: number, lineNo: number) => void,
): Promise<IngestResult> {
  const parse = lineToHit(opts);
  // a line whose layout has no time (some JSON logs) is dated like the line before it, or by the file
  let lastTs = 0;
  const counts: LineCounts = { read: 0, parsed: 0, skipped: {} };
  const seen = new Map<string, FileCheckpoint>(opts.known);
  const out = new Map<string, FileCheckpoint>();
  let newestTs: number | null = null;
  let oldestTs: number | null = null;
  let lineNo = -1;
  let fileNo = 0;
  const pick = opts.select;
  const select = (buf: Buffer, start: number, end: number): boolean => {
    lineNo++;
    return pick ? pick(buf, start, end, lineNo) : true;
  };

  const onLine = (line: string, badUtf8: boolean, offset: number): void => {
    counts.read++;
    const hit = parse(line);
    if (typeof hit === 'string') {
      counts.skipped[hit] = (counts.skipped[hit] ?? 0) + 1;
      return;
    }
    counts.parsed++;
    if (badUtf8) hit.badUtf8 = true;
    if (hit.ts === NO_TIME) hit.ts = lastTs;
    else lastTs = hit.ts;
    if (newestTs === null || hit.ts > newestTs) newestTs = hit.ts;
    if (oldestTs === null || hit.ts < oldestTs) oldestTs = hit.ts;
    onHit(hit, locOf(fileNo, offset), lineNo);
  };

  for (const [index, path] of paths.entries()) {
    fileNo = index;
    try {
      const gz = await isGzip(path);
      const head = await readHead(path, gz, FINGERPRINT_BYTES);
      if (head.length === 0) continue;
      lastTs = Math.floor((await stat(path)).mtimeMs / 1000) * 1000;
      let from = resumePoint(head, seen);
      const end = gz ? undefined : (opts.ends?.get(path) ?? (await plainSize(path, gz)) ?? undefined);
      if (from && end !== undefined && end < from.offset) from = null;

      // a .gz is a finished rotation: its last line is complete even without a newline
      const read = (start: number) =>
        readLines(contentFrom(path, gz, start, end), { maxLineBytes: opts.maxLineBytes, startOffset: start, final: gz, select }, onLine);
      let res;
      try {
        res = await read(from?.offset ?? 0);
      } catch (e) {
        if (!(e instanceof ContentShorterThanStart)) throw e;
        from = null;
        res = await read(0);
      }
      if (res.oversized > 0 && opts.countOversized !== false) {
        counts.read += res.oversized;
        counts.skipped['oversized'] = (counts.skipped['oversized'] ?? 0) + res.oversized;
      }
      if (res.endOffset === 0) continue; // nothing consumed yet: nothing to remember
      const cp: FileCheckpoint = {
        fingerprint: fingerprintOf(head),
        path,
        offset: res.endOffset,
        lines: (from?.lines ?? 0) + res.lines + res.oversized,
      };
      seen.set(cp.fingerprint, cp);
      out.set(cp.fingerprint, cp);
    } catch (cause) {
      // only file-system and zlib errors are about the file; anything else (onHit's) passes unchanged
      if (cause instanceof PilloryError || typeof (cause as NodeJS.ErrnoException)?.code !== 'string') throw cause;
      throw new PilloryError('LOG_UNREADABLE', `cannot read log file ${path}: ${(cause as Error).message}`, { cause });
    }
  }
  return { counts, checkpoints: [...out.values()], newestTs, oldestTs };
}

/**
 * One log line → a hit or a skip reason, as ingest reads it: the configured format, and the client
 * taken from forwarding headers behind trusted proxies. Lines read again for storage go through it too.
 */
export function lineToHit(opts: Pick<IngestOptions, 'format' | 'jsonFields' | 'trustedProxies' | 'cdnRanges'>): (line: string) => ParsedHit | string {
  const parser = lineParserFor(opts.format, opts.jsonFields);
  const proxies = [...(opts.trustedProxies ?? []), ...cdnRanges(opts.cdnRanges ?? [])];
  let trusted: BlockList | null;
  try {
    trusted = proxies.length ? blockListOf(proxies) : null;
  } catch (cause) {
    throw new PilloryError('CONFIG_TRUSTED_PROXIES', `trustedProxies: ${(cause as Error).message}`, { cause });
  }
  if (!trusted) return (line) => parser(line, null);
  const headers = emptyHeaders();
  const list = trusted;
  return (line) => {
    headers.forwardedFor = null;
    headers.realIp = null;
    headers.cdnIp = null;
    const result = parser(line, headers);
    if (typeof result !== 'string') result.ip = clientFromHeaders(result.ip, headers, list);
    return result;
  };
}

/** The furthest checkpoint whose fingerprint matches this content's start, or null. */
function resumePoint(head: Buffer, known: ReadonlyMap<string, FileCheckpoint>): FileCheckpoint | null {
  let best: FileCheckpoint | null = null;
  for (const fp of matchingFingerprints(head, known.keys())) {
    const cp = known.get(fp)!;
    if (!best || cp.offset > best.offset) best = cp;
  }
  return best;
}
