import Database from 'better-sqlite3';
import type { Hit, LineCounts } from '../core/types.ts';
import { isNonPublic } from '../core/ip.ts';
import { ingestFiles, type FileCheckpoint } from '../ingest/ingest-files.ts';
import { ownerOfLine } from '../ingest/line-owner.ts';
import { loadRules, type Rule } from '../detect/load-rules.ts';
import { loadCrawlers, type CrawlerDef } from '../detect/crawler-claim.ts';
import { StreamDetector, type ActorOutcome, type ToStore } from '../detect/stream-detector.ts';

// One thread's share of a run's reading and detection: every line of every file is scanned, the lines
// whose client belongs to this thread (line-owner.ts) are parsed, counted and fed to a streaming
// detector. Plain data in, plain data out, so the same code runs in the main thread or in a worker.

export interface DetectInput {
  paths: string[];
  format: string;
  jsonFields: Record<string, string | readonly string[]>;
  maxLineBytes: number;
  trustedProxies: string[];
  cdnRanges: string[];
  /** Checkpoints of earlier runs. */
  known: FileCheckpoint[];
  /** Plain files' sizes when the run started: every thread reads up to the same byte. */
  ends: [string, number][];
  /** Id of the run's first line (ids number the lines runs read, in order). */
  idBase: number;
  /** Lines older than this are skipped as outside-window. */
  horizon: number;
  scorePrivate: boolean;
  ipv6Prefix: number;
  windowMs: number;
  slackMs: number;
  maxUserAgents: number;
  /** Newest request time of earlier runs. */
  frontier: number;
  /** The snapshot copy to read prior states from (read only); null: none yet. */
  db: string | null;
  /** Actors whose crawler claim a completed check refuted. */
  fakeCrawlers: string[];
  /** Actors with a row in `actors` (they get an outcome whatever happens). */
  known_actors: string[];
  /** This thread, and how many there are (1: no split). */
  thread: number;
  threads: number;
  vhostFirst: boolean;
  /** Rules folder (tests); default data/rules. */
  rulesDir?: string;
}

export interface ReadReport {
  counts: LineCounts;
  checkpoints: FileCheckpoint[];
  /** Newest request time read this run (null: none). */
  newest: number | null;
  /** Lines the run looked at (each thread sees them all): the next run's ids start after them. */
  lines: number;
  /** Newest request time this thread saw (or an earlier run). */
  frontier: number;
}

/** A thread's detection output, packed for transfer: states end to end in one buffer. */
export interface PackedDetection {
  keys: string[];
  /** requests, firstSeen, lastSeen per actor. */
  nums: Float64Array;
  /** State i is bytes[offsets[i], offsets[i + 1]). */
  offsets: Uint32Array;
  bytes: Uint8Array;
  outcomes: ActorOutcome[];
  store: ToStore[];
  drop: number[];
  frontier: number;
  late: number;
}

export class DetectCore {
  readonly #in: DetectInput;
  readonly #rules: Rule[];
  readonly #crawlers: CrawlerDef[];
  #detector: StreamDetector | null;
  readonly #known: Set<string>;
  #db: Database.Database | null = null;

  constructor(input: DetectInput) {
    this.#in = input;
    this.#rules = loadRules(input.rulesDir);
    this.#crawlers = loadCrawlers();
    this.#known = new Set(input.known_actors);
    const fake = new Set(input.fakeCrawlers);
    if (input.db) {
      this.#db = new Database(input.db, { readonly: true, fileMustExist: true });
      const hasStates = this.#db.prepare(`SELECT 1 FROM actor_state LIMIT 1`).get() !== undefined;
      if (!hasStates) { this.#db.close(); this.#db = null; }
    }
    const db = this.#db;
    const load = db?.prepare<[string], { key: string; state: Buffer }>(`SELECT key, state FROM actor_state WHERE key IN (SELECT value FROM json_each(?))`);
    this.#detector = new StreamDetector({
      rules: this.#rules, crawlers: this.#crawlers, ipv6Prefix: input.ipv6Prefix, windowMs: input.windowMs, slackMs: input.slackMs,
      maxUserAgents: input.maxUserAgents, frontier: input.frontier,
      facts: (key) => ({ crawlerCheck: fake.has(key) ? 'fake' : null }),
      ...(load ? { loadStates: (keys: string[]) => new Map(load.all(JSON.stringify(keys)).map((r) => [r.key, r.state])) } : {}),
    });
  }

  async read(): Promise<ReadReport> {
    const i = this.#in;
    const known = new Map(i.known.map((c) => [c.fingerprint, c]));
    const d = this.#detector!;
    let nonPublic = 0;
    let outside = 0;
    let newest: number | null = null;
    let lines = 0;
    const split = i.threads > 1;
    const res = await ingestFiles(i.paths, {
      format: i.format, jsonFields: i.jsonFields, maxLineBytes: i.maxLineBytes, known, trustedProxies: i.trustedProxies, cdnRanges: i.cdnRanges,
      ends: new Map(i.ends), countOversized: i.thread === 0,
      select: (buf, start, end, lineNo) => {
        lines = lineNo + 1;
        return !split || ownerOfLine(buf, start, end, lineNo, i.threads, i.vhostFirst, i.ipv6Prefix) === i.thread;
      },
    }, (parsed, loc, lineNo) => {
      if (!i.scorePrivate && isNonPublic(parsed.ip)) { nonPublic++; return; }
      if (parsed.ts < i.horizon) { outside++; return; }
      const hit = parsed as Hit;
      hit.id = i.idBase + lineNo;
      if (newest === null || hit.ts > newest) newest = hit.ts;
      d.push(hit, loc);
    });
    const counts = res.counts;
    if (nonPublic) moveToSkipped(counts, 'non-public-client', nonPublic);
    if (outside) moveToSkipped(counts, 'outside-window', outside);
    return { counts, checkpoints: res.checkpoints, newest, lines, frontier: d.frontier };
  }

  /** Ends detection: signatures judged against windowStart (asOf − window); `frontier`: the newest time of every thread. */
  finish(windowStart: number, frontier: number): PackedDetection {
    const d = this.#detector!;
    d.advanceTo(frontier);
    const out = d.finish({ windowStart, known: (k) => this.#known.has(k) });
    this.#detector = null; // its actors can go before the results are written
    this.#db?.close();
    this.#db = null;
    const { keys, nums, offsets, bytes } = out.states;
    return { keys, nums, offsets, bytes, outcomes: out.outcomes, store: out.store, drop: out.drop, frontier: out.frontier, late: out.late };
  }
}

export function moveToSkipped(counts: LineCounts, reason: string, n: number): void {
  counts.parsed -= n;
  counts.skipped[reason] = (counts.skipped[reason] ?? 0) + n;
}
