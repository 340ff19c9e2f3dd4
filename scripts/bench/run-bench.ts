import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateLog } from './generate-log.ts';

// `npm run bench`: how fast the nightly run reads and detects, and how much memory it takes, on a
// generated day of a busy blog (1,000,000 combined lines), and on 1,000,000 lines from as many
// different clients (the memory figure). When GoAccess is installed, its time on the same file is the
// yardstick. Figures are medians of several runs; on a shared machine quote CPU time and ratios.
// A benchmark, not a test: it prints figures and judges nothing.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'scripts/pillory.mjs');
const WORDLISTS = join(ROOT, '../shared/corpus/wordlists/dirsearch');

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '0' },
    keep: { type: 'string' },
    'no-goaccess': { type: 'boolean', default: false },
  },
});
const LINES = Number(args.lines);
const RUNS = Number(args.runs);

interface Measure { wallMs: number; cpuMs: number; maxRssMb: number | null; ingestMs?: number; ingestCpuMs?: number; ingestRssMb?: number; threads?: number; stored?: number }

const hasTime = existsSync('/usr/bin/time');

/** Runs a command `RUNS` times (after one warm-up); /usr/bin/time gives CPU and peak memory when present. */
function measure(cmd: string, argv: string[], before: () => void = () => {}, parse?: (stdout: string) => Partial<Measure>): Measure[] {
  const out: Measure[] = [];
  for (let i = 0; i <= RUNS; i++) {
    before();
    const t0 = performance.now();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      : spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
    const t = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    const m: Measure = t
      ? { wallMs: Number(t[1]) * 1000, cpuMs: (Number(t[2]) + Number(t[3])) * 1000, maxRssMb: Math.round(Number(t[4]) / 1024) }
      : { wallMs, cpuMs: NaN, maxRssMb: null };
    if (i > 0) out.push({ ...m, ...parse?.(r.stdout) });
  }
  return out;
}

/** The nightly summary's ingest figures: wall and CPU ms, peak MB, threads, requests stored. */
function nightlyFigures(stdout: string): Partial<Measure> {
  const time = /time {6}ingest (\d+) ms/.exec(stdout);
  const cpu = /CPU: ingest (\d+) ms/.exec(stdout);
  const mem = /by stage \(MB\): ingest (\d+)/.exec(stdout);
  const det = /detect {4}(\d+) thread\(s\); (\d+) requests stored/.exec(stdout);
  return {
    ingestMs: time ? Number(time[1]) : undefined, ingestCpuMs: cpu ? Number(cpu[1]) : undefined, ingestRssMb: mem ? Number(mem[1]) : undefined,
    threads: det ? Number(det[1]) : undefined, stored: det ? Number(det[2]) : undefined,
  };
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, unit = ''): string => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en')}${unit}` : 'n/a');

function goaccessAvailable(): boolean {
  return !args['no-goaccess'] && spawnSync('goaccess', ['--version'], { encoding: 'utf8' }).status === 0;
}

const dir = args.keep ?? mkdtempSync(join(tmpdir(), 'pillory-bench-'));
mkdirSync(dir, { recursive: true });
try {
  const realistic = join(dir, 'day.log');
  const distinct = join(dir, 'distinct.log');
  const source = existsSync(join(WORDLISTS, 'dicc.txt')) ? WORDLISTS : undefined;
  const g1 = generateLog({ lines: LINES, out: realistic, wordlists: source, seed: 1 });
  const g2 = generateLog({ lines: LINES, out: distinct, wordlists: source, seed: 2, clients: 'distinct' });
  console.log(`generated ${fmt(g1.lines)} lines (${fmt(g1.bytes / 1048576, ' MB')}, scanner paths from ${g1.source === 'dirsearch' ? '../shared dirsearch lists' : 'the built-in list'}) and ${fmt(g2.lines)} lines from as many clients, in ${dir}`);
  const cfg = (name: string) => ['--db', join(dir, `${name}.sqlite`), '--offline', '--as-of', 'newest'];
  const fresh = (name: string) => () => rmSync(join(dir, `${name}.sqlite`), { force: true });
  const threads: string[] = [];
  if (args.threads !== '0') {
    writeFileSync(join(dir, 'bench.yaml'), `ingestThreads: ${Number(args.threads)}\n`);
    threads.push('--config', join(dir, 'bench.yaml'));
  }
  const rows: [string, Measure[]][] = [];
  for (const [name, file] of [['day', realistic], ['distinct', distinct]] as const) {
    rows.push([name, measure(process.execPath, [CLI, 'nightly', '--log', file, ...cfg(name), ...threads], fresh(name), nightlyFigures)]);
  }
  console.log(`\npillory nightly, median of ${RUNS} runs (each on a fresh snapshot; CPU = user + system of all threads)`);
  console.log('log        threads  ingest+detect wall   lines/s (wall)   ingest+detect CPU   lines/s (CPU/thread)   peak RSS ingest   whole run wall   whole run CPU   peak RSS   evidence rows');
  for (const [name, ms] of rows) {
    const iw = median(ms.map((m) => m.ingestMs ?? NaN));
    const ic = median(ms.map((m) => m.ingestCpuMs ?? NaN));
    const th = ms[0]?.threads ?? 1;
    console.log([
      name.padEnd(10), String(th).padStart(7), fmt(iw, ' ms').padStart(20), fmt(LINES / (iw / 1000)).padStart(16), fmt(ic, ' ms').padStart(19),
      fmt((LINES / (ic / 1000)) * th).padStart(22), fmt(median(ms.map((m) => m.ingestRssMb ?? NaN)), ' MB').padStart(17),
      fmt(median(ms.map((m) => m.wallMs)), ' ms').padStart(16), fmt(median(ms.map((m) => m.cpuMs)), ' ms').padStart(15),
      fmt(median(ms.map((m) => m.maxRssMb ?? NaN)), ' MB').padStart(10), fmt(median(ms.map((m) => m.stored ?? NaN))).padStart(15),
    ].join(' '));
  }
  if (goaccessAvailable()) {
    const ga = measure('goaccess', [realistic, '--log-format=COMBINED', '--no-global-config', '-o', join(dir, 'goaccess.json')]);
    const gw = median(ga.map((m) => m.wallMs));
    const gc = median(ga.map((m) => m.cpuMs));
    const pw = median(rows[0]![1].map((m) => m.ingestMs ?? NaN));
    const pc = median(rows[0]![1].map((m) => m.ingestCpuMs ?? NaN));
    console.log(`\ngoaccess on the same ${fmt(LINES)}-line day: ${fmt(gw, ' ms')} wall (${fmt(LINES / (gw / 1000))} lines/s), ${fmt(gc, ' ms')} CPU, peak ${fmt(median(ga.map((m) => m.maxRssMb ?? NaN)), ' MB')}`);
    console.log(`pillory ingest+detect is ${(gw / pw).toFixed(1)}× GoAccess's speed by wall time, ${(gc / pc).toFixed(1)}× by CPU time`);
  } else {
    console.log('\ngoaccess not found (apt-get install goaccess): no comparison');
  }
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
