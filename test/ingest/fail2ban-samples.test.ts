import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/core/ip.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';

// Outside check of the parser: fail2ban's annotated access-log samples (GPL-2.0-or-later, so read from
// ../shared and never copied into the repo). Every sample line must parse, its client must be the
// annotated `host`, and its time the annotated `time`. (test/detect/fail2ban-samples.test.ts checks
// the rules on the same lines.)

const BASE = fileURLToPath(new URL('../../../shared/corpus/fail2ban/expected/', import.meta.url));
const present = existsSync(BASE);
if (!present) console.warn('../shared/corpus/fail2ban not found: fail2ban parse/host checks skipped (GPL material is never copied into the repo)');

interface Sample { lineno: number; line: string; match: boolean; host?: string; time?: string }

/**
 * Lines per filter, and the nginx error-log lines among them. nginx-botsearch also matches nginx's
 * error log ("open() … failed", "is not found"), which is not an access log: Pillory reads the same
 * request from the access log, so those lines are a counted skip, not a parse.
 */
const FILTERS: Record<string, { samples: number; errorLogLines: number[] }> = {
  'nginx-botsearch': { samples: 14, errorLogLines: [26, 29, 32, 35, 40, 43] },
  'nginx-bad-request': { samples: 8, errorLogLines: [] },
  'apache-badbots': { samples: 4, errorLogLines: [] },
  'php-url-fopen': { samples: 1, errorLogLines: [] },
};

/** fail2ban's test suite runs in Europe/Zurich; its annotated times are that zone's wall-clock time. */
const zurich = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Zurich', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
const wallClock = (ms: number) => zurich.format(new Date(ms)).replace(' ', 'T');

describe.skipIf(!present)('fail2ban access-log samples parse with the annotated client', () => {
  const parse = lineParserFor('combined');
  const samplesOf = (filter: string) => readFileSync(`${BASE}${filter}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Sample);

  describe.each(Object.entries(FILTERS))('%s', (filter, spec) => {
    const samples = present ? samplesOf(filter) : [];
    const access = samples.filter((s) => !spec.errorLogLines.includes(s.lineno));

    it(`has ${spec.samples} samples, ${spec.samples - spec.errorLogLines.length} of them access-log lines`, () => {
      expect(samples).toHaveLength(spec.samples);
      expect(access).toHaveLength(spec.samples - spec.errorLogLines.length);
    });

    it.each(access.map((s) => [s.lineno, s] as const))('line %i parses; client = host, time = time', (_n, s) => {
      const hit = parse(s.line, null);
      if (typeof hit === 'string') throw new Error(`line ${s.lineno} skipped as ${hit}: ${s.line}`);
      expect(hit.ip).toBe(canonicalIp(s.host!));
      expect(s.time, 'every access-log sample here is dated').toBeDefined();
      expect(wallClock(hit.ts)).toBe(s.time);
    });

    it.each(spec.errorLogLines)('line %i is an nginx error-log line: a counted skip, never a hit', (n) => {
      const s = samples.find((x) => x.lineno === n)!;
      expect(s.line).toMatch(/(^|nginx\[\d+\]: )\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[error\]/);
      expect(parse(s.line, null)).toBe('bad-address');
    });
  });
});
