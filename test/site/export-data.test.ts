// exportInput() over a reader's lists: who is in a scope's lists, and the list's own time. The reader
// is an object with the SnapshotReader methods exportInput() calls, returning fixed lists, so a list
// of a size no test snapshot has can be given (a real snapshot of 200,000 actors takes minutes).
import { describe, expect, it } from 'vitest';
import { exportInput } from '../../src/site/export-data.ts';
import type { ActorSummary, RemovedEntry, SnapshotReader } from '../../src/lib/snapshot.ts';

const T0 = Date.UTC(2026, 10, 1);
const actor = (i: number, over: Partial<ActorSummary> = {}): ActorSummary => ({
  key: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, slug: `10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}`, family: 4, requests: 5,
  firstSeen: T0, lastSeen: T0 + i * 1000, score: 70, verdict: 'high', country: i % 2 ? 'NL' : 'DE', countryName: null, asn: 64500 + (i % 3),
  org: null, networkType: 'hosting', firstPublished: T0, status: 'published', inBlocklist: true, ...over,
});

function readerOf(published: ActorSummary[], removed: RemovedEntry[] | null = []): SnapshotReader {
  const fake = {
    meta: () => ({ siteName: 'Test', licence: 'CC BY 4.0', asOf: T0 - 1 }),
    reasons: () => new Map([[published[0]?.key ?? '', { rules: ['env-probe'], labels: ['secret-file-probe'] }]]),
    published: () => published,
    byCountry: (code: string) => published.filter((a) => a.country === code),
    byAsn: (asn: number) => published.filter((a) => a.asn === asn),
    added: () => published.slice(0, 2),
    removed: () => removed,
  };
  return fake as unknown as SnapshotReader;
}
const SITE = new URL('https://r.example/');

describe('exportInput', () => {
  it('dates a site-wide list of 200,000 addresses by its newest request (a list that size once overflowed the stack)', () => {
    const all = Array.from({ length: 200_000 }, (_, i) => actor(i));
    const input = exportInput(readerOf(all), { kind: 'all' }, SITE);
    expect(input.entries).toHaveLength(200_000);
    expect(input.header.updatedAt).toBe(T0 + 199_999 * 1000);
    expect(input.entries[0]!.url).toBe('https://r.example/ip/10-0-0-0/');
    expect(input.entries[0]!.reasons.rules).toEqual(['env-probe']);
  });

  it('takes a removal newer than every request as the list\'s time, and only the scope\'s own removals', () => {
    const all = [actor(1), actor(2), actor(3)];
    const removed: RemovedEntry[] = [
      { key: '192.0.2.1', reason: 'aged out', at: T0 + 50_000, country: 'NL', asn: 64501 },
      { key: '192.0.2.2', reason: 'aged out', at: T0 + 90_000, country: 'DE', asn: 64502 },
    ];
    const nl = exportInput(readerOf(all, removed), { kind: 'country', code: 'NL' }, SITE);
    expect(nl.entries.map((e) => e.actor.key)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(nl.removed).toEqual([{ key: '192.0.2.1', reason: 'aged out' }]);
    expect(nl.header.updatedAt).toBe(T0 + 50_000);
    expect(nl.header.scope).toBe('country NL');
  });

  it('leaves out what stays off the blocklists, and dates an empty list by the snapshot', () => {
    const input = exportInput(readerOf([actor(4, { inBlocklist: false })]), { kind: 'asn', asn: 64501 }, SITE);
    expect(input.entries).toEqual([]);
    expect(input.added).toEqual([]);
    expect(input.header.updatedAt).toBe(T0 - 1);
    expect(input.header.id).toBe('as64501');
  });
});
