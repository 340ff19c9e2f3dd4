// decideAll on a snapshot copy: today's score = decayed evidence + DNSBL corroboration, publication
// on the evidence alone, the operator's own ranges never published, and blocklist exits recorded.
// Addresses are real ones from the corpus logs (publication needs public addresses).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { blockListOf, slugOf } from '../../src/core/ip.ts';
import { applyCorroboration, corroborationOf, decideAll } from '../../src/pipeline/stage-publish.ts';
import { openWorkingCopy } from '../../src/snapshot/working-copy.ts';

const DAY = 86_400_000;
const AS_OF = Date.UTC(2015, 4, 21, 3, 0, 0);

interface Seed { key: string; raw: number; lastOffence: number; dnsblPoints?: number }

function copyWith(seeds: Seed[]) {
  const copy = openWorkingCopy(join(mkdtempSync(join(tmpdir(), 'pillory-publish-')), 'snapshot.sqlite'));
  const ins = copy.db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict,
    last_offence, published, updated_at, dnsbl_points) VALUES (?, ?, 4, 1, ?, ?, 0, ?, ?, 'high', ?, 0, 0, ?)`);
  for (const s of seeds) ins.run(s.key, slugOf(s.key), s.lastOffence, s.lastOffence, s.raw, s.raw, s.lastOffence, s.dnsblPoints ?? 0);
  return copy;
}
const row = (copy: ReturnType<typeof copyWith>, key: string) =>
  copy.db.prepare(`SELECT score, evidence_score AS evidence, corroboration, published, status, excluded FROM actors WHERE key = ?`).get(key);

describe('corroborationOf', () => {
  it.each([
    [true, 62, 10, 10],
    [true, 95, 10, 5], // only up to 100
    [true, 100, 10, 0],
    [false, 58, 10, 0], // never on an unpublished actor: corroboration does not publish
  ] as const)('published %s, evidence %i, dnsbl %i → %i', (pub, ev, pts, want) => {
    expect(corroborationOf(pub, ev, pts)).toBe(want);
  });
});

describe('decideAll: score parts and publication', () => {
  const cfg = validateConfig({ trustedProxies: ['144.76.194.0/24'] }, 'test');
  const seeds: Seed[] = [
    // evidence 65 after 2 days (65 · 0.5^(2/30) = 62.0) + 10 corroboration = 72
    { key: '91.236.75.25', raw: 65, lastOffence: AS_OF - 2 * DAY - 5, dnsblPoints: 10 },
    // evidence 58 (60 after one day): below the bar; its DNSBL listing must not lift it over
    { key: '195.250.34.144', raw: 60, lastOffence: AS_OF - DAY - 5, dnsblPoints: 10 },
    // 100 on the day: corroboration cannot pass 100
    { key: '198.245.61.43', raw: 100, lastOffence: AS_OF - 5, dnsblPoints: 10 },
    // the operator's own proxy range is never published
    { key: '144.76.194.187', raw: 100, lastOffence: AS_OF - 5 },
  ];

  it('adds corroboration to published actors only, up to 100, and never publishes on it', () => {
    const copy = copyWith(seeds);
    decideAll(copy.db, cfg, blockListOf([]), AS_OF, { rules: [], runId: 1 });
    expect(row(copy, '91.236.75.25')).toEqual({ score: 72, evidence: 62, corroboration: 10, published: 1, status: 'published', excluded: null });
    expect(row(copy, '195.250.34.144')).toEqual({ score: 58, evidence: 58, corroboration: 0, published: 0, status: 'none', excluded: null });
    expect(row(copy, '198.245.61.43')).toEqual({ score: 100, evidence: 100, corroboration: 0, published: 1, status: 'published', excluded: null });
    expect(row(copy, '144.76.194.187')).toEqual({ score: 100, evidence: 100, corroboration: 0, published: 0, status: 'none', excluded: "the operator's own proxy or CDN range" });
    copy.discard();
  });

  it('applyCorroboration re-adds fresh DNSBL points after the DNSBL stage, without changing who is published', () => {
    const copy = copyWith(seeds);
    decideAll(copy.db, cfg, blockListOf([]), AS_OF, { rules: [] });
    copy.db.prepare(`UPDATE actors SET dnsbl_points = 5`).run();
    applyCorroboration(copy.db);
    expect(row(copy, '91.236.75.25')).toMatchObject({ score: 67, evidence: 62, corroboration: 5, published: 1 });
    expect(row(copy, '195.250.34.144')).toMatchObject({ score: 58, corroboration: 0, published: 0 });
    copy.discard();
  });

  it('records entries into and exits from the blocklists per run, with the reason', () => {
    const copy = copyWith([{ key: '91.236.75.25', raw: 65, lastOffence: AS_OF - 5 }]);
    decideAll(copy.db, cfg, blockListOf([]), AS_OF, { rules: [], runId: 1 });
    // 65 holds for 3 whole days (65 → 63.5 → 62.0 → 60.6), drops on day 4
    decideAll(copy.db, cfg, blockListOf([]), AS_OF + 10 * DAY, { rules: [], runId: 2 });
    expect(copy.db.prepare(`SELECT run_id, actor, change, reason FROM publication_changes ORDER BY run_id`).all()).toEqual([
      { run_id: 1, actor: '91.236.75.25', change: 'added', reason: 'score 65' },
      { run_id: 2, actor: '91.236.75.25', change: 'removed', reason: 'aged out: score below 60 since 2015-05-25; no activity since 2015-05-21' },
    ]);
    expect(row(copy, '91.236.75.25')).toMatchObject({ status: 'expired', published: 0 });
    copy.discard();
  });
});
