import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

// A log file's *content* is what the server wrote: for a .gz, the decompressed bytes. Offsets and
// fingerprints always refer to content, so an offset taken on access.log still means the same line
// once logrotate has compressed it into access.log.2.gz.

/** Recognised by the gzip magic bytes, not the name (rotation tools differ in naming). */
export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Bytes of content this plain file holds now, or null for .gz (unknown until decompressed). */
export async function plainSize(path: string, gz: boolean): Promise<number | null> {
  if (gz) return null;
  const fh = await open(path, 'r');
  try {
    return (await fh.stat()).size;
  } finally {
    await fh.close();
  }
}

function decompressed(path: string): Readable {
  // pipeline() forwards a read or gunzip error to the stream being iterated
  return pipeline(createReadStream(path), createGunzip(), () => {});
}

/** The first `n` bytes of content (fewer when the content is shorter). */
export async function readHead(path: string, gz: boolean, n: number): Promise<Buffer> {
  const stream = gz ? decompressed(path) : createReadStream(path, { start: 0, end: n - 1 });
  const parts: Buffer[] = [];
  let len = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      len += (chunk as Buffer).length;
      if (len >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, len).subarray(0, n);
}

/** Thrown by contentFrom when the content ends before the requested start. */
export class ContentShorterThanStart extends Error {}

/**
 * Content from byte `start` on, in chunks; for a plain file, up to `end` (exclusive) when given. For
 * .gz the skipped part is decompressed and dropped.
 */
export async function* contentFrom(path: string, gz: boolean, start: number, end?: number): AsyncGenerator<Buffer> {
  if (!gz) {
    if (end !== undefined && end <= start) return;
    const stream = createReadStream(path, { start, ...(end !== undefined ? { end: end - 1 } : {}), highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
    return;
  }
  const stream = decompressed(path);
  let skip = start;
  try {
    for await (const raw of stream) {
      const chunk = raw as Buffer;
      if (skip >= chunk.length) { skip -= chunk.length; continue; }
      yield skip > 0 ? chunk.subarray(skip) : chunk;
      skip = 0;
    }
  } finally {
    stream.destroy();
  }
  if (skip > 0) throw new ContentShorterThanStart();
}
