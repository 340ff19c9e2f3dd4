import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/format-summary.ts';
import type { NightlySummary } from '../../src/pipeline/nightly.ts';

/** A night that read nothing and found nothing: the tests below change what they are about. */
const QUIET_NIGHT: NightlySummary = {
  runId: 1, asOf: 0, files: 1, lines: { read: 0, parsed: 0, skipped: {} }, actorsSeen: 0, actorsScored: 0,
  published: 0, newlyPublished: 0, expired: 0, dnsbl: {}, stageMs: {}, stageRssMb: {}, stageCpuMs: {}, threads: 1, lateLines: 0, stored: 0, released: 0,
};

describe('formatSummary', () => {
  it('prints every bucket, outcome, stage time and memory on one screen', () => {
    const lines = formatSummary({
      runId: 3, asOf: Date.UTC(2026, 11, 3), files: 2,
      lines: { read: 1010, parsed: 1000, skipped: { oversized: 2, malformed: 8 } },
      actorsSeen: 50, actorsScored: 12, published: 4, newlyPublished: 1, expired: 2,
      dnsbl: { not_listed: 20, listed: 3, error: 5 },
      stageMs: { ingest: 120, score: 30 }, stageRssMb: { ingest: 90, score: 95 }, stageCpuMs: { ingest: 200, score: 25 }, threads: 2, lateLines: 7, stored: 41, released: 3,
    }, {
      site: { pages: 9, pagesRendered: 3, workers: 2, files: { added: ['ip/192.0.2.9/index.html'], changed: ['index.html', 'feed.xml'], removed: [], unchanged: 40 } },
      outDir: '/srv/dist', peakRssMb: 120,
    });
    expect(lines).toEqual([
      'run 3 as of 2026-12-03T00:00:00.000Z',
      'lines     1010 read from 2 file(s): 1000 parsed, 10 skipped (malformed 8, oversized 2)',
      'actors    50 seen, 12 scored this run, 4 published (1 new, 2 expired)',
      'detect    2 thread(s); 41 requests stored as evidence, 3 released; 7 lines too late to reorder',
      'dnsbl     error 5, listed 3, not_listed 20',
      'site      9 pages in /srv/dist: 3 rendered, 6 unchanged and kept (2 workers); files 1 added, 2 changed, 0 removed, 40 unchanged',
      'time      ingest 120 ms, score 30 ms (CPU: ingest 200 ms, score 25 ms)',
      'memory    peak RSS of this process 120 MB; by stage (MB): ingest 90, score 95',
    ]);
  });

  it('adds the abuse-contact counts and one line per warning', () => {
    const lines = formatSummary({
      ...QUIET_NIGHT, dnsbl: { error: 2 }, abuse: { found: 3, cached: 1 }, warnings: ['DNSBL zone zen.spamhaus.org unusable this run: resolver refused'],
    });
    expect(lines.slice(4, 7)).toEqual([
      'dnsbl     error 2',
      'abuse     cached 1, found 3',
      'warning   DNSBL zone zen.spamhaus.org unusable this run: resolver refused',
    ]);
  });

  it('says "not checked" when no DNSBL lookup ran', () => {
    const lines = formatSummary(QUIET_NIGHT);
    expect(lines[4]).toBe('dnsbl     not checked');
  });

  it('says that the site stage\'s memory includes its render workers', () => {
    const lines = formatSummary({ ...QUIET_NIGHT, stageRssMb: { ingest: 120, site: 840 } }, { peakRssMb: 360 });
    expect(lines.at(-1)).toBe('memory    peak RSS of this process 360 MB; by stage (MB; site = this process + its render workers): ingest 120, site 840');
  });
});
