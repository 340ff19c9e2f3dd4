import { isUtf8 } from 'node:buffer';

// Log bytes are attacker-controlled: a client can send one request line of any length, and a broken
// writer can leave a file with no newline at all. The reader therefore splits at the byte level and
// never holds more than maxLineBytes of one line (plus the chunk being scanned).

export interface LineReaderOptions {
  /** Longest line accepted, in bytes without the newline; longer lines are skipped and counted. */
  maxLineBytes: number;
  /** Offset in the content of the first chunk's first byte (only used to report offsets). */
  startOffset?: number;
  /**
   * The content is complete (a compressed, rotated file): a last line without `\n` is a whole line
   * and is read. Otherwise it may still be being written and is left for the next run.
   */
  final?: boolean;
  /**
   * Called with the bytes of every complete line within the cap, in order, before it is decoded;
   * false leaves it undecoded (it still counts in `lines` and offsets). Ingest threads use it to
   * decode only the lines whose client is theirs.
   */
  select?: (buf: Buffer, start: number, end: number) => boolean;
}

export interface LineReaderResult {
  /** Offset just after the last line consumed (complete lines, and an over-long tail; see below). */
  endOffset: number;
  /** Complete lines handed to onLine. */
  lines: number;
  /** Lines longer than maxLineBytes, skipped without being buffered. */
  oversized: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Split a byte stream into lines at `\n` (a trailing `\r` is dropped) and hand each to onLine as text.
 * Invalid UTF-8 becomes U+FFFD and badUtf8 is true. A final line without `\n` is not consumed: the
 * writer may still be in the middle of it, so it is left for the next run. The exception is a tail
 * already longer than the cap: it can never become a valid line, so it is counted as oversized and
 * consumed (otherwise every run would stream through it again).
 */
export async function readLines(
  chunks: AsyncIterable<Uint8Array>,
  opts: LineReaderOptions,
  onLine: (line: string, badUtf8: boolean, offset: number) => void,
): Promise<LineReaderResult> {
  const select = opts.select;
  const max = opts.maxLineBytes;
  let pos = opts.startOffset ?? 0; // content offset of the current chunk's first byte
  let endOffset = pos;
  let lines = 0;
  let oversized = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let discarding = false;

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, from);
      if (nl < 0) break;
      if (discarding || pendingLen + (nl - from) > max) {
        oversized++;
      } else if (pendingLen === 0) {
        if (!select || select(chunk, from, nl)) emitLine(chunk, from, nl, pos + from, onLine);
        lines++;
      } else {
        pending.push(chunk.subarray(from, nl));
        const joined = Buffer.concat(pending, pendingLen + (nl - from));
        if (!select || select(joined, 0, joined.length)) emitLine(joined, 0, joined.length, pos + from - pendingLen, onLine);
        lines++;
      }
      discarding = false;
      pending = [];
      pendingLen = 0;
      from = nl + 1;
      endOffset = pos + from;
    }
    const rest = chunk.length - from;
    if (!discarding && rest > 0) {
      if (pendingLen + rest > max) {
        discarding = true;
        pending = [];
        pendingLen = 0;
      } else {
        // copy: a slice would keep the whole (possibly large) chunk alive
        pending.push(Buffer.from(chunk.subarray(from)));
        pendingLen += rest;
      }
    }
    pos += chunk.length;
  }
  if (discarding) {
    oversized++;
    endOffset = pos;
  } else if (opts.final && pendingLen > 0) {
    const joined = Buffer.concat(pending, pendingLen);
    if (!select || select(joined, 0, joined.length)) emitLine(joined, 0, joined.length, pos - pendingLen, onLine);
    lines++;
    endOffset = pos;
  }
  return { endOffset, lines, oversized };
}

function emitLine(buf: Buffer, start: number, end: number, offset: number, onLine: (line: string, badUtf8: boolean, offset: number) => void): void {
  if (end > start && buf[end - 1] === CR) end--;
  const text = buf.toString('utf8', start, end);
  // U+FFFD can also be written literally (valid UTF-8); only then is the slower check needed
  onLine(text, text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end)), offset);
}

/** A line's bytes (without its newline) as text: a trailing `\r` dropped, invalid UTF-8 replaced and flagged. */
export function decodeLine(buf: Buffer, start: number, end: number): { text: string; bad: boolean } {
  if (end > start && buf[end - 1] === CR) end--;
  const text = buf.toString('utf8', start, end);
  // U+FFFD can also be written literally (valid UTF-8); only then is the slower check needed
  const bad = text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end));
  return { text, bad };
}
