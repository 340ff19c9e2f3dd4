import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { loadCrawlers } from '../../src/detect/crawler-claim.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { CORPUS_FILES } from '../ingest/crowdsec-corpus-files.ts';
import { parseCombined } from './combined-line.ts';
import { brief, randomLog, referenceSignatures, streamSignatures, type HarnessOptions } from './stream-harness.ts';

// The streaming detector must cite exactly what detectActor (the batch reference) cites: same rules,
// counts, first/last times and evidence ids, in the same order — on every rule's samples, the CrowdSec
// fixtures, the demo logs and random request sequences, read in file order (not sorted).

const rules = loadRules();
const crawlers = loadCrawlers();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function hitsOf(text: string, format = 'combined', jsonFields: Record<string, string> = {}, firstId = 1): Hit[] {
  const parse = lineParserFor(format, jsonFields);
  const out: Hit[] = [];
  let id = firstId;
  for (const line of text.split('\n')) {
    const r = parse(line, null);
    if (typeof r === 'string') continue;
    out.push({ ...r, id: id++ });
  }
  return out;
}

/** Both ways, with a refuted crawler claim for every actor (so `requires: crawler-fake` rules are compared too) and without. */
function expectSame(hits: Hit[], extra: Partial<HarnessOptions> = {}): void {
  for (const check of [null, 'fake'] as const) {
    const o: HarnessOptions = { rules, crawlers, facts: () => ({ crawlerCheck: check }), ...extra };
    expect(brief(streamSignatures(hits, o))).toEqual(brief(referenceSignatures(hits, o)));
  }
}

describe('streaming detection equals detectActor', () => {
  it.each(rules.map((r) => [r.id, r] as const))('on the samples of %s', (_id, rule) => {
    const blocks = readFileSync(join(rule.dir, 'samples.log'), 'utf8').split(/\n\s*\n/);
    let id = 1;
    let fired = 0;
    for (const block of blocks) {
      const hits = block.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => parseCombined(l, id++)).filter((h) => h !== null);
      expectSame(hits);
      fired += referenceSignatures(hits, { rules, facts: () => ({ crawlerCheck: 'fake' }) }).size;
    }
    expect(fired).toBeGreaterThan(0);
  });

  it.each(CORPUS_FILES.map((f) => [f.test, f] as const))('on the CrowdSec fixture %s', (_t, f) => {
    const text = readFileSync(join(ROOT, 'test/fixtures/crowdsec', f.test, f.file), 'utf8');
    const hits = hitsOf(text, f.format, f.jsonFields);
    expect(hits.length).toBe(f.parsed);
    expectSame(hits);
  });

  it.each([
    ['data/demo/elastic-apache/apache_logs', 9999, 40],
    ['data/demo/logparser-hackers/hackers-access.log', 3456, 1],
  ])('on the demo log %s, read in file order (up to a minute out of order)', (file, lines, minActorsFlagged) => {
    const hits = hitsOf(readFileSync(join(ROOT, file), 'utf8'));
    expect(hits.length).toBe(lines);
    expectSame(hits, { slackMs: 120_000 });
    expect(referenceSignatures(hits, { rules }).size).toBeGreaterThanOrEqual(minActorsFlagged);
  });
});

describe('streaming detection equals detectActor on random request sequences', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('seed %i: 600 requests up to 90 s out of order', (seed) => {
    const { hits, maxLateness } = randomLog(seed, 600, 90_000);
    expect(maxLateness).toBeLessThanOrEqual(90_000);
    expectSame(hits, { slackMs: 90_000 });
  });

  it('the random sequences exercise every kind of aggregate, past the evidence cap', () => {
    const fired = new Map<string, number>();
    let capped = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const sigs of referenceSignatures(randomLog(seed, 600, 90_000).hits, { rules, facts: () => ({ crawlerCheck: 'fake' }) }).values()) {
        for (const s of sigs) {
          fired.set(s.ruleId, (fired.get(s.ruleId) ?? 0) + 1);
          if (s.count > s.requestIds.length) capped++;
        }
      }
    }
    for (const id of ['request-burst', 'redirect-then-404', 'not-found-ratio', 'admin-panel-sweep-wide', 'xmlrpc-flood', 'user-agent-rotation', 'fake-crawler',
      'protocol-probe-repeat', 'wp-user-enum-sweep']) {
      expect(fired.get(id) ?? 0, `${id} ${JSON.stringify([...fired])}`).toBeGreaterThan(5);
    }
    expect(capped).toBeGreaterThan(20);
  });
});
