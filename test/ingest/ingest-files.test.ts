import { appendFile, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hit } from '../../src/core/types.ts';
import { FINGERPRINT_BYTES } from '../../src/ingest/fingerprint.ts';
import { ingestFiles, type FileCheckpoint, type IngestResult } from '../../src/ingest/ingest-files.ts';

/** Line n of a synthetic log: unique target, so a line read twice is visible. */
function line(n: number): string {
  return `192.0.2.${(n % 250) + 1} - - [03/Dec/2026:10:00:00 +0000] "GET /page/${n} HTTP/1.1" 200 ${n} "-" "test-agent"\n`;
}
function lines(from: number, to: number): string {
  let s = '';
  for (let n = from; n <= to; n++) s += line(n);
  return s;
}

/** The store a nightly run keeps between runs: checkpoints upserted by fingerprint, hits appended. */
class Store {
  known = new Map<string, FileCheckpoint>();
  hits: Omit<Hit, 'id'>[] = [];
  async run(paths: string[], maxLineBytes = 64 * 1024): Promise<IngestResult> {
    const before = this.hits.length;
    const res = await ingestFiles(paths, { format: 'combined', maxLineBytes, known: this.known }, (h) => this.hits.push(h));
    for (const c of res.checkpoints) this.known.set(c.fingerprint, c);
    expect(res.counts.read).toBe(res.counts.parsed + Object.values(res.counts.skipped).reduce((a, b) => a + b, 0));
    expect(res.counts.parsed).toBe(this.hits.length - before);
    return res;
  }
  targets(): string[] {
    return this.hits.map((h) => h.target);
  }
}

let dir = '';
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pillory-ingest-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('log-06-rotation-replay', () => {
  it('never yields a line twice across rotation, compression and re-runs', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    const log1 = join(dir, 'access.log.1');
    const log2gz = join(dir, 'access.log.2.gz');

    await writeFile(log, lines(1, 1000));
    const r1 = await store.run([log]);
    expect(r1.counts).toEqual({ read: 1000, parsed: 1000, skipped: {} });

    await rename(log, log1);
    await writeFile(log, lines(1001, 1500));
    const r2 = await store.run([log1, log]);
    expect(r2.counts.parsed).toBe(500);

    await writeFile(log2gz, gzipSync(await import('node:fs/promises').then((f) => f.readFile(log1))));
    await rm(log1);
    await rename(log, log1);
    await writeFile(log, lines(1501, 1800));
    const r3 = await store.run([log2gz, log1, log]);
    expect(r3.counts.parsed).toBe(300);
    expect(store.hits).toHaveLength(1800);
    expect(new Set(store.targets()).size).toBe(1800);

    const r4 = await store.run([log2gz, log1, log]);
    expect(r4.counts).toEqual({ read: 0, parsed: 0, skipped: {} });
    expect(store.hits).toHaveLength(1800);
    // one checkpoint per distinct content: the gz and its plain original share one
    expect(r4.checkpoints.map((c) => c.lines).sort((a, b) => a - b)).toEqual([300, 500, 1000]);
  });

  it('applies an offset taken on plain text to the decompressed content of the .gz', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 40));
    await store.run([log]);
    // the writer appended 10 more lines before logrotate compressed the file
    const gz = join(dir, 'access.log.1.gz');
    await writeFile(gz, gzipSync(lines(1, 50)));
    const r = await store.run([gz]);
    expect(r.counts.parsed).toBe(10);
    expect(store.targets().slice(40)).toEqual(Array.from({ length: 10 }, (_, i) => `/page/${41 + i}`));
  });

  it('reads a copytruncated file from its start', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 100));
    await store.run([log]);
    await truncate(log, 0);
    await appendFile(log, lines(101, 120));
    const r = await store.run([log]);
    expect(r.counts.parsed).toBe(20);
    expect(store.targets().at(100)).toBe('/page/101');
  });

  it.each([
    ['plain', (s: string) => Buffer.from(s)],
    ['.gz', (s: string) => gzipSync(s)],
  ])('reads a %s file from its start when it matches a checkpoint but is now shorter', async (_kind, encode) => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 100));
    await store.run([log]);
    // same first 4 KiB, fewer bytes than were consumed: the file was cut and rewritten
    const other = join(dir, 'rewritten');
    await writeFile(other, encode(lines(1, 60)));
    const r = await store.run([other]);
    expect(r.counts.parsed).toBe(60);
    expect(store.targets()[100]).toBe('/page/1');
    expect(r.checkpoints).toMatchObject([{ lines: 60, offset: Buffer.byteLength(lines(1, 60)) }]);
  });

  it('recognises a file that was shorter than the fingerprint length and has grown since', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 3));
    expect(Buffer.byteLength(lines(1, 3))).toBeLessThan(FINGERPRINT_BYTES);
    expect((await store.run([log])).counts.parsed).toBe(3);
    await appendFile(log, lines(4, 6)); // still short
    expect((await store.run([log])).counts.parsed).toBe(3);
    await appendFile(log, lines(7, 100)); // now past the fingerprint length
    expect((await store.run([log])).counts.parsed).toBe(94);
    await rename(log, `${log}.1`);
    expect((await store.run([`${log}.1`])).counts.parsed).toBe(0);
    expect(new Set(store.targets()).size).toBe(100);
    expect(store.hits).toHaveLength(100);
  });

  it('leaves an unterminated last line for the next run', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    const l2 = line(2);
    await writeFile(log, line(1) + l2.slice(0, 30));
    expect((await store.run([log])).counts.parsed).toBe(1);
    await appendFile(log, l2.slice(30) + line(3));
    expect((await store.run([log])).counts.parsed).toBe(2);
    expect(store.targets()).toEqual(['/page/1', '/page/2', '/page/3']);
  });

  it('reads the same file named twice once', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 10));
    const r = await store.run([log, log]);
    expect(r.counts.parsed).toBe(10);
    expect(r.checkpoints).toHaveLength(1);
  });

  it('reads the same data at another path once (a copy, or the same log mounted twice)', async () => {
    const store = new Store();
    const log = join(dir, 'access.log');
    await writeFile(log, lines(1, 200));
    await mkdir(join(dir, 'mirror'));
    const copy = join(dir, 'mirror', 'access.log');
    await writeFile(copy, lines(1, 200));
    expect((await store.run([log, copy])).counts.parsed).toBe(200);
    await appendFile(copy, lines(201, 210));
    expect((await store.run([log, copy])).counts.parsed).toBe(10);
    expect(new Set(store.targets()).size).toBe(210);
  });

  it('skips an empty file without a checkpoint', async () => {
    const log = join(dir, 'empty.log');
    await writeFile(log, '');
    const r = await new Store().run([log]);
    expect(r).toEqual({ counts: { read: 0, parsed: 0, skipped: {} }, checkpoints: [], newestTs: null, oldestTs: null });
  });
});

describe('ingestFiles', () => {
  it('reads .gz files and reports the time range', async () => {
    const gz = join(dir, 'a.log.gz');
    await writeFile(gz, gzipSync(
      '192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "x"\n'
      + '192.0.2.2 - - [11/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "x"\n',
    ));
    const r = await new Store().run([gz]);
    expect(r.counts.parsed).toBe(2);
    expect(r.oldestTs).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(r.newestTs).toBe(Date.UTC(2000, 9, 11, 20, 55, 36));
  });

  it('counts every line in exactly one bucket (log-07-bad-bytes-long-lines)', async () => {
    const log = join(dir, 'mixed.log');
    await writeFile(log, Buffer.concat([
      Buffer.from(line(1)),
      Buffer.from('203.0.113.13 - - [02/Dec/2026:23:59:59 +0000] "GET /'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' HTTP/1.1" 404 0 "-" "x"\n'),
      Buffer.from('unknown - - [02/Dec/2026:23:59:59 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n'),
      Buffer.from('\n'),
      Buffer.from(`${'A'.repeat(5000)}\n`),
      Buffer.from('192.0.2.1 - - [02/Dec/2026:25:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n'),
      Buffer.from('B'.repeat(3000)), // an over-long tail with no newline
    ]));
    const store = new Store();
    const r = await store.run([log], 1024);
    expect(r.counts).toEqual({ read: 7, parsed: 2, skipped: { 'bad-address': 1, blank: 1, oversized: 2, 'bad-time': 1 } });
    expect(store.hits[1]).toMatchObject({ ip: '203.0.113.13', target: '/\uFFFD\uFFFD', badUtf8: true });
    expect(store.hits[0]!.badUtf8).toBe(false);
  });

  it('log-07-bad-bytes-long-lines: the JSON lines and a 300 MB line with no newline, in bounded memory', async () => {
    const log = join(dir, 'access.json');
    const head = Buffer.concat([
      Buffer.from('{"remote_addr":"203.0.113.12","time":"2026-12-02T23:59:59+00:00","request":"GET / HTTP/1.1","ua":"Dalvik/2.1.0 (Linux; U; Android 5.1.1; \\xC3\\xA3 Build/LMY47V)"}\n'),
      Buffer.from('{"remote_addr":"203.0.113.13","request":"GET /'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1","ua":"x"}\n'),
    ]);
    await writeFile(log, head);
    // 300 MB of NUL bytes after it, written sparse: one line with no newline, and no 300 MB write
    await truncate(log, head.length + 300 * 1024 * 1024);
    const after = join(dir, 'after.json');
    await writeFile(after, '{"remote_addr":"203.0.113.14","time":"2026-12-03T00:00:01Z","request":"GET /next HTTP/1.1"}\n');

    const hits: Omit<Hit, 'id'>[] = [];
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let samples = 0;
    const timer = setInterval(() => { samples++; peak = Math.max(peak, process.memoryUsage().arrayBuffers - base); }, 2);
    let r: IngestResult;
    try {
      r = await ingestFiles([log, after], { format: 'json', maxLineBytes: 64 * 1024, known: new Map() }, (h) => hits.push(h));
    } finally {
      clearInterval(timer);
    }
    expect(r.counts).toEqual({ read: 4, parsed: 3, skipped: { oversized: 1 } });
    expect(hits[0]).toMatchObject({ ip: '203.0.113.12', ts: Date.UTC(2026, 11, 2, 23, 59, 59), ua: 'Dalvik/2.1.0 (Linux; U; Android 5.1.1; ã Build/LMY47V)', badUtf8: false });
    // no time of its own: dated like the line before it
    expect(hits[1]).toMatchObject({ ip: '203.0.113.13', ts: Date.UTC(2026, 11, 2, 23, 59, 59), target: '/\uFFFD\uFFFD', ua: 'x', badUtf8: true });
    expect(hits[2]).toMatchObject({ ip: '203.0.113.14', target: '/next' });
    // the over-long tail is consumed: the next run does not stream through it again
    expect(r.checkpoints.find((c) => c.path === log)).toMatchObject({ offset: head.length + 300 * 1024 * 1024, lines: 3 });
    expect(samples, 'memory was sampled while the big line streamed by').toBeGreaterThan(10);
    // a reader that buffered the line would hold 300 MB; read chunks awaiting GC make up what is seen
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('refuses an unknown format with an error naming it', async () => {
    await expect(ingestFiles([], { format: 'nginx-json', maxLineBytes: 1024, known: new Map() }, () => {}))
      .rejects.toMatchObject({ name: 'PilloryError', code: 'CONFIG_LOG_FORMAT', message: expect.stringContaining('"nginx-json"') });
  });

  it('names a corrupt .gz in its error', async () => {
    const gz = join(dir, 'broken.gz');
    const full = gzipSync(lines(1, 500));
    await writeFile(gz, full.subarray(0, full.length - 200));
    await expect(new Store().run([gz])).rejects.toMatchObject({ code: 'LOG_UNREADABLE', message: expect.stringContaining('broken.gz') });
  });

  it('passes an error thrown by onHit through unchanged', async () => {
    const log = join(dir, 'a.log');
    await writeFile(log, lines(1, 3));
    const boom = new Error('store is full');
    await expect(ingestFiles([log], { format: 'combined', maxLineBytes: 1024, known: new Map() }, () => { throw boom; })).rejects.toBe(boom);
  });

  it('reads the last line of a .gz even without a newline (a rotated file is finished)', async () => {
    const gz = join(dir, 'access.log.1.gz');
    await writeFile(gz, gzipSync(lines(1, 5).slice(0, -1)));
    const store = new Store();
    const r = await store.run([gz]);
    expect(r.counts.parsed).toBe(5);
    expect(r.checkpoints[0]!.offset).toBe(Buffer.byteLength(lines(1, 5)) - 1);
    expect((await store.run([gz])).counts.parsed).toBe(0);
  });

  it('names a missing file in its error', async () => {
    await mkdir(join(dir, 'sub'));
    await expect(new Store().run([join(dir, 'sub', 'gone.log')])).rejects.toMatchObject({ code: 'LOG_UNREADABLE', message: expect.stringContaining('gone.log') });
  });
});
