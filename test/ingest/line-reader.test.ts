import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLines } from '../../src/ingest/line-reader.ts';
import { contentFrom } from '../../src/ingest/log-content.ts';
import { parseLine } from '../../src/ingest/parse-line.ts';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}

async function collect(chunks: AsyncIterable<Uint8Array>, maxLineBytes = 64, startOffset = 0) {
  const got: [string, boolean][] = [];
  const res = await readLines(chunks, { maxLineBytes, startOffset }, (l, bad) => got.push([l, bad]));
  return { got, ...res };
}

describe('readLines', () => {
  it('splits on \\n, drops a trailing \\r, and leaves an unterminated last line unconsumed', async () => {
    const r = await collect(chunksOf('a\r\nbb\n\nccc\nhalf'));
    expect(r.got).toEqual([['a', false], ['bb', false], ['', false], ['ccc', false]]);
    expect(r).toMatchObject({ lines: 4, oversized: 0, endOffset: 11 });
  });

  it('joins a line split across chunks, including a multi-byte character cut in half', async () => {
    const euro = Buffer.from('€', 'utf8'); // 3 bytes
    const r = await collect(chunksOf('ab', Buffer.from([euro[0]!]), Buffer.concat([euro.subarray(1), Buffer.from('cd\nxy')]), 'z\n'));
    expect(r.got).toEqual([['ab€cd', false], ['xyz', false]]);
    expect(r.endOffset).toBe(12);
  });

  it('reads an unterminated last line when the content is final', async () => {
    const got: string[] = [];
    const res = await readLines(chunksOf('a\nb', 'c'), { maxLineBytes: 64, final: true }, (l) => got.push(l));
    expect(got).toEqual(['a', 'bc']);
    expect(res).toEqual({ endOffset: 4, lines: 2, oversized: 0 });
  });

  it('reports offsets relative to startOffset', async () => {
    const r = await collect(chunksOf('one\ntwo\n'), 64, 1000);
    expect(r.endOffset).toBe(1008);
  });

  it('replaces invalid UTF-8 with U+FFFD and flags it; a literal U+FFFD is not flagged', async () => {
    const r = await collect(chunksOf(Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0xff, 0xfe, 0x0a]), 'ok \uFFFD\n'));
    expect(r.got).toEqual([['GET /\uFFFD\uFFFD', true], ['ok \uFFFD', false]]);
  });

  it.each([
    ['exactly at the cap', 'x'.repeat(64), 1, 0],
    ['one byte over the cap', 'x'.repeat(65), 0, 1],
  ])('a line %s', async (_n, line, lines, oversized) => {
    const r = await collect(chunksOf(`${line}\nnext\n`));
    expect(r.lines - 1).toBe(lines);
    expect(r.oversized).toBe(oversized);
    expect(r.got.at(-1)).toEqual(['next', false]);
    expect(r.endOffset).toBe(line.length + 6);
  });

  it('skips an over-long line that arrives in many chunks and keeps going', async () => {
    const r = await collect(chunksOf('short\n', 'y'.repeat(50), 'y'.repeat(50), 'y'.repeat(50), '\nafter\n'));
    expect(r.got).toEqual([['short', false], ['after', false]]);
    expect(r.oversized).toBe(1);
  });

  it('counts and consumes an over-long tail without a newline (it can never become a valid line)', async () => {
    const r = await collect(chunksOf('ok\n', 'z'.repeat(100)));
    expect(r).toMatchObject({ lines: 1, oversized: 1, endOffset: 103 });
  });
});

describe('log-07-bad-bytes-long-lines: a 300 MB line with no newline', () => {
  it('is counted as oversized in bounded memory', async () => {
    const mib = Buffer.alloc(1024 * 1024, 0x42);
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('192.0.2.1 - - [02/Dec/2026:23:59:58 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n');
      // the same MiB again and again: any growth in buffer memory is the reader's own
      for (let i = 0; i < 300; i++) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
        yield mib;
      }
    }
    const res = await readLines(source(), { maxLineBytes: 64 * 1024 }, () => {});
    expect(res.lines).toBe(1);
    expect(res.oversized).toBe(1);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('readLines over a file with a 5 MB single line (log-07-bad-bytes-long-lines)', () => {
  let dir = '';
  let path = '';
  const before = '192.0.2.20 - - [02/Dec/2026:23:59:58 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n';
  const after = '192.0.2.21 - - [02/Dec/2026:23:59:59 +0000] "GET /after HTTP/1.1" 404 0 "-" "curl/8.5.0"\n';
  const bigLen = 5 * 1024 * 1024;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pillory-reader-'));
    path = join(dir, 'big.log');
    const fh = await open(path, 'w');
    await fh.write(before);
    const block = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 5; i++) await fh.write(block);
    await fh.write(`\n${after}`);
    await fh.close();
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('skips and counts the big line, and the next line parses', async () => {
    const lines: string[] = [];
    const res = await readLines(contentFrom(path, false, 0), { maxLineBytes: 64 * 1024 }, (l) => lines.push(l));
    expect(res).toEqual({ lines: 2, oversized: 1, endOffset: before.length + bigLen + 1 + after.length });
    expect(lines).toHaveLength(2);
    const hit = parseLine(lines[1]!, 'combined');
    expect(hit).toMatchObject({ ok: true, hit: { ip: '192.0.2.21', target: '/after', status: 404 } });
  });
});
