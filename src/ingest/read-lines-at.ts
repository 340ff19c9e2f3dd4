import { closeSync, openSync, readSync } from 'node:fs';
import { contentFrom, isGzip } from './log-content.ts';
import { decodeLine, readLines } from './line-reader.ts';
import { LOC_FILE } from './ingest-files.ts';

// Detection keeps only where each request was read (file and offset, see ingest-files.ts locOf);
// the few requests a signature cites are read again at the end of the run to be stored. A plain file
// is read at those offsets; a .gz (no random access) is decompressed once more, up to the last one.

export interface LineAgain { text: string; badUtf8: boolean }

/** The lines starting at `locs` (as locOf() made them) in `paths`, by loc. Missing ones are left out. */
export async function readLinesAt(paths: readonly string[], locs: readonly number[], maxLineBytes: number): Promise<Map<number, LineAgain>> {
  const out = new Map<number, LineAgain>();
  const byFile = new Map<number, number[]>();
  for (const loc of locs) {
    const file = Math.floor(loc / LOC_FILE);
    const list = byFile.get(file);
    if (list) list.push(loc - file * LOC_FILE);
    else byFile.set(file, [loc - file * LOC_FILE]);
  }
  for (const [file, offsets] of byFile) {
    const path = paths[file];
    if (path === undefined) continue;
    offsets.sort((a, b) => a - b);
    const base = file * LOC_FILE;
    if (await isGzip(path)) {
      const want = new Set(offsets);
      const last = offsets[offsets.length - 1]!;
      let done = false;
      // the whole content again (the run read it from its checkpoint, but offsets are absolute)
      await readLines(stopAfter(contentFrom(path, true, 0), () => done), { maxLineBytes, final: true }, (text, badUtf8, offset) => {
        if (want.has(offset)) out.set(base + offset, { text, badUtf8 });
        if (offset >= last) done = true;
      });
      continue;
    }
    const fd = openSync(path, 'r');
    try {
      // sorted offsets, read synchronously: thousands of small reads, each a page-cache hit
      let buf = Buffer.alloc(8192);
      for (const offset of offsets) {
        let len = 0;
        let nl = -1;
        // grow until the newline (lines are capped at maxLineBytes by the first reading)
        for (;;) {
          if (len === buf.length) buf = Buffer.concat([buf, Buffer.alloc(buf.length)]);
          const bytesRead = readSync(fd, buf, len, buf.length - len, offset + len);
          if (bytesRead === 0) break;
          const found = buf.subarray(len, len + bytesRead).indexOf(0x0a);
          nl = found >= 0 ? len + found : -1;
          len += bytesRead;
          if (nl >= 0) break;
          if (len > maxLineBytes + 1) break;
        }
        const end = nl >= 0 ? nl : Math.min(len, maxLineBytes);
        const { text, bad } = decodeLine(buf, 0, end);
        out.set(base + offset, { text, badUtf8: bad });
      }
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

async function* stopAfter(chunks: AsyncIterable<Buffer>, done: () => boolean): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    yield c;
    if (done()) return;
  }
}
