import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotReader, displayReferer } from '../../src/lib/snapshot.ts';
import { FIXTURE, XSS_CORPUS, makeFixtureSnapshot } from '../fixtures/snapshot/make-fixture-snapshot.ts';

let dir: string;
let reader: SnapshotReader;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pillory-reader-'));
  const file = path.join(dir, 'snapshot.sqlite');
  makeFixtureSnapshot(file);
  reader = new SnapshotReader(file);
});
afterAll(() => {
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SnapshotReader', () => {
  it('maps meta to typed values', () => {
    const m = reader.meta();
    expect(m.publishThreshold).toBe(60);
    expect(m.halfLifeDays).toBe(30);
    expect(m.generatedAt).toBe(FIXTURE.generatedAt);
    expect(m.geoSources.map((g) => g.name)).toEqual(['DB-IP Lite City 2026-06', 'ip-location-db ASN']);
    expect(m.zoneHealth[1]).toEqual({ zone: 'dead.example.org', ok: false, detail: 'answers 127.0.0.2 for every query' });
    expect([m.contact, m.expiredGraceDays]).toEqual(['review@reports.example.net', 30]);
  });

  it('lists only published actors, worst first (today), with their report scores, and which of them go into the blocklists', () => {
    // 192.0.2.10 is 92 today (100 decayed to 87, plus 5 corroboration); its report's score is 100
    expect(reader.published().map((a) => [a.slug, a.score, a.family, a.inBlocklist])).toEqual([
      ['192.0.2.10', 100, 4, true],
      ['2001-db8-1-2---64', 75, 6, true],
      ['2001-db8--1', 70, 6, true],
      ['192.0.2.77', 65, 4, true],
      ['198.51.100.30', 62, 4, false],
    ]);
    expect(reader.blocklisted().map((a) => a.key)).not.toContain(FIXTURE.scanner.key);
    // counted without reading them: the five above (the expired and unpublished actors are not)
    expect(reader.publishedCount()).toBe(5);
  });

  it('lists expired actors apart: they have pages, but are not published', () => {
    expect(reader.expired().map((a) => [a.key, a.status, a.inBlocklist])).toEqual([['203.0.113.6', 'expired', false], ['203.0.113.5', 'expired', false]]);
    expect(reader.pages().map((a) => a.key)).toEqual([...reader.published(), ...reader.expired()].map((a) => a.key));
    const r = reader.report(FIXTURE.expiredOld.slug)!;
    // the report's score at its last offence (80), not today's 45: an expired page says when it fell below the bar
    expect([r.status, r.score, r.expiredAt, r.groupPages]).toEqual(['expired', 80, FIXTURE.expiredOld.expiredAt, { country: false, asn: false }]);
    expect(reader.report(FIXTURE.excludedNew.key)).toBeNull();
  });

  it('maps research scanners, shared addresses and what the registry said', () => {
    expect(reader.report(FIXTURE.scanner.slug)).toMatchObject({ scanner: 'Censys', inBlocklist: false, sharedReason: null, abuseLookup: 'unknown' });
    expect(reader.report(FIXTURE.net6.slug)!.sharedReason).toBe('mobile carrier network: many subscribers share few addresses');
    expect(reader.report(FIXTURE.v6.slug)!.abuseLookup).toBe('none');
    expect(reader.report(FIXTURE.v4.slug)!.abuseLookup).toBe('found');
    expect(reader.report(FIXTURE.v4.slug)!.groupPages).toEqual({ country: true, asn: true });
  });

  it.each([[FIXTURE.hidden.slug], ['no-such-slug'], ['2001:db8::1']])('has no report for %s', (slug) => {
    expect(reader.report(slug)).toBeNull();
  });

  it('returns redacted paths only, never the raw target', () => {
    const r = reader.report(FIXTURE.v4.slug)!;
    const secret = r.signatures.find((s) => s.ruleId === 'secret-files')!;
    expect(secret.evidence.map((h) => h.request)).toEqual(['/.env', '/login?token=…&next=…']);
    expect(JSON.stringify(r)).not.toContain(FIXTURE.secret);
    expect(JSON.stringify(r)).not.toContain(FIXTURE.operatorHost);
  });

  it('never shows a request id that belongs to another actor', () => {
    const r = reader.report(FIXTURE.v4.slug)!;
    const ids = r.signatures.flatMap((s) => s.evidence.map((h) => h.id));
    expect(ids).not.toContain(10);
    expect(JSON.stringify(r)).not.toContain('hidden-unpublished-path');
  });

  it('shows a tagged junk request by its tag, not its bytes', () => {
    const tls = reader.report(FIXTURE.v4.slug)!.signatures.find((s) => s.ruleId === 'tls-on-http')!;
    expect(tls.evidence).toHaveLength(1);
    expect(tls.evidence[0]).toMatchObject({ request: '[tls-handshake]', method: '', tag: 'tls-handshake' });
  });

  it('keeps hostile text as plain data for the renderer to escape', () => {
    const xss = reader.report(FIXTURE.v4.slug)!.signatures.find((s) => s.ruleId === 'xss-probe')!;
    expect(xss.evidence.map((h) => h.request)).toEqual(['<title>phpMyAdmin', FIXTURE.xssPath]);
    expect(xss.evidence.map((h) => h.userAgent)).toEqual(['(none)', FIXTURE.xssUa]);
  });

  it('removes the operator host from user agents', () => {
    const ua = reader.report(FIXTURE.v6.slug)!.signatures.flatMap((s) => s.evidence.map((h) => h.userAgent));
    expect(ua).toEqual(['curl/8.0', 'Mozilla/5.0 (checker for [redacted])']);
  });

  it('maps DNSBL rows of every status and none for an unchecked actor', () => {
    expect(reader.report(FIXTURE.v4.slug)!.dnsbl.map((d) => [d.zone, d.status, d.abuse])).toEqual([
      ['bl.example.net', 'not_listed', false],
      ['pbl.example.org', 'listed', false],
      ['slow.example.net', 'error', false],
      ['v4only.example.net', 'skipped', false],
      ['zen.example.org', 'listed', true],
    ]);
    expect(reader.report(FIXTURE.v6.slug)!.dnsbl).toEqual([]);
  });

  it('maps the DNSBL corroboration included in the score, and the zone policy', () => {
    const net6 = reader.report(FIXTURE.net6.slug)!;
    // the report's score: 70 from its signatures at the last offence, plus 5 for the listing
    expect([net6.rawScore, net6.corroboration, net6.corroborationReason, net6.score]).toEqual([70, 5, 'listed for abuse by zen.example.org (exploited host or proxy)', 75]);
    const corpus = reader.report(FIXTURE.corpus.slug)!;
    expect([corpus.corroboration, corpus.corroborationReason]).toEqual([0, null]);
    expect(reader.meta().dnsblPolicy).toEqual({ zones: ['zen.example.org', 'pbl.example.org', 'bl.example.net', 'slow.example.net', 'v4only.example.net', 'dead.example.org'], pointsPerListing: 5, maxPoints: 10 });
  });

  it('gives each network its abuse mailboxes with the published addresses they answer for', () => {
    expect(reader.abuseContacts(64500).map((c) => [c.email, c.actors.map((a) => a.key)])).toEqual([[FIXTURE.abuse.email, [FIXTURE.v4.key]]]);
    expect(reader.abuseContacts(64502)).toEqual([]);
  });

  it('groups published actors by country and ASN, unknown left out', () => {
    expect(reader.countries()).toEqual([{ code: 'NL', name: 'Netherlands', actors: 2 }, { code: 'DE', name: 'Germany', actors: 1 }]);
    expect(reader.asns()).toEqual([
      { asn: 64500, org: 'Example Hosting B.V.', actors: 2 }, { asn: 64502, org: 'Example Mobile GmbH', actors: 1 }, { asn: 64503, org: 'Example Research Scans', actors: 1 },
    ]);
    expect(reader.byCountry('NL').map((a) => a.key)).toEqual([FIXTURE.v4.key, FIXTURE.corpus.key]);
    expect(reader.byAsn(64503).map((a) => a.key)).toEqual([FIXTURE.scanner.key]);
    expect(reader.byCountry('FR')).toEqual([]);
    expect(reader.totals()).toEqual({ published: 5, requests: 7 + 2 + 2 + XSS_CORPUS.length * 3 + 2, countries: 2, networks: 3 });
  });

  it('reads the per-day, hour-of-day and status-class counts stored for the actor', () => {
    const a = reader.activity(FIXTURE.v4.key);
    expect(a.days).toEqual([{ day: Date.UTC(2026, 10, 20), requests: 7 }]);
    expect(a.hours[4]).toBe(5);
    expect(a.hours[5]).toBe(2);
    expect(a.hours.reduce((n, h) => n + h, 0)).toBe(7);
    expect(a.statusClasses).toEqual([{ cls: 2, requests: 1 }, { cls: 4, requests: 6 }]);
  });

  it('finds neighbours in the same /24 and ASN, never the actor itself', () => {
    const n = reader.neighbours({ key: FIXTURE.v4.key, asn: 64500 });
    expect(n.prefix).toBe('192.0.2.0/24');
    expect(n.samePrefix.map((a) => a.key)).toEqual([FIXTURE.corpus.key]);
    expect(n.sameAsn.map((a) => a.key)).toEqual([FIXTURE.corpus.key]);
    const six = reader.neighbours({ key: FIXTURE.v6.key, asn: null });
    expect(six.prefix).toBe('2001:db8::/48');
    expect([six.samePrefixTotal, six.sameAsnMore, six.sameAsn]).toEqual([0, false, []]);
  });

  it('maps a valid abuse contact and drops one that is not a plain address', () => {
    expect(reader.report(FIXTURE.v4.slug)!.abuse).toEqual({ email: FIXTURE.abuse.email, source: FIXTURE.abuse.source });
    expect(reader.report(FIXTURE.corpus.slug)!.abuse).toBeNull();
    expect(reader.report(FIXTURE.v6.slug)!.abuse).toBeNull();
  });

  it('lists actors first published by the newest run as added, and those that left the list since the run before as removed, with reasons', () => {
    expect(reader.added().map((a) => a.key).sort()).toEqual([FIXTURE.corpus.key, FIXTURE.net6.key].sort());
    // 203.0.113.5 expired before the previous run: it left an earlier list, not tonight's
    expect(reader.removed()).toEqual([
      { key: FIXTURE.excludedNew.key, reason: "no longer published: on the operator's allowlist", at: FIXTURE.asOf, country: 'FR', asn: 64504 },
      { key: FIXTURE.expiredNew.key, reason: 'aged out: score 55 fell below 60 on 2026-12-02', at: FIXTURE.asOf, country: 'FR', asn: 64504 },
    ]);
    expect(reader.exportGroups()).toEqual({ countries: ['DE', 'FR', 'NL'], asns: [64500, 64502, 64503, 64504] });
  });

  it('keeps an aged-out actor out of every list but still has its (expired) report', () => {
    expect(reader.published().map((a) => a.key)).not.toContain(FIXTURE.expiredNew.key);
    expect(reader.expired().map((a) => a.key).sort()).toEqual([FIXTURE.expiredOld.key, FIXTURE.expiredNew.key]);
    expect(reader.pages().map((a) => a.key)).toContain(FIXTURE.expiredNew.key);
    const r = reader.report(FIXTURE.expiredNew.slug)!;
    expect([r.status, r.expiredAt, r.score, r.inBlocklist]).toEqual(['expired', FIXTURE.expiredNew.expiredAt, 60, false]);
    expect(reader.report(FIXTURE.v4.slug)!.status).toBe('published');
  });

  it('labels the research scanner and leaves it out of the blocklisted actors only', () => {
    expect(reader.report(FIXTURE.scanner.slug)!.scanner).toBe(FIXTURE.scanner.name);
    expect(reader.published().map((a) => a.key)).toContain(FIXTURE.scanner.key);
    expect(reader.blocklisted().map((a) => a.key)).not.toContain(FIXTURE.scanner.key);
    expect(reader.blocklisted().map((a) => a.key).sort()).toEqual([FIXTURE.v4.key, FIXTURE.v6.key, FIXTURE.net6.key, FIXTURE.corpus.key].sort());
  });

  it('reads the report score (capped signatures plus what corroboration fits under 100), and today\'s score apart', () => {
    const r = reader.report(FIXTURE.v4.slug)!;
    // 100 already: the 5 listing points do not fit, and no reason is shown for points that did not count
    expect([r.rawScore, r.corroboration, r.score, r.verdict, r.corroborationReason]).toEqual([100, 0, 100, 'critical', null]);
    // today: 100 decayed to 87, plus the 5 points
    expect(reader.todayScores().get(FIXTURE.v4.key)).toEqual({ score: FIXTURE.v4.score, verdict: 'critical' });
    expect(reader.withTodayScores([reader.summaryOf(FIXTURE.v4.key)!])[0]!.score).toBe(FIXTURE.v4.score);
  });

  it('gives rule ids and labels per published actor for the exports', () => {
    expect(reader.reasons().get(FIXTURE.net6.key)).toEqual({ rules: ['secret-file-probe', 'admin-panel-probe'], labels: ['secret-file-probe', 'admin-probe'] });
    expect(reader.reasons().has(FIXTURE.hidden.key)).toBe(false);
  });
});

describe('displayReferer', () => {
  it.each([
    ['', '(none)'],
    ['-', '(none)'],
    [`https://${FIXTURE.operatorHost}/admin?key=${FIXTURE.secret}`, 'external /admin?key=…'],
    [`/go/${FIXTURE.operatorHost}/x`, '/go/[redacted]/x'],
    ['/local/page', '/local/page'],
  ])('%s → %s', (input, want) => {
    expect(displayReferer(input, [FIXTURE.operatorHost])).toBe(want);
  });
});

describe('a snapshot without the abuse columns', () => {
  it('reads reports with abuse null (PRAGMA table_info check)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pillory-noabuse-'));
    try {
      makeFixtureSnapshot(path.join(dir, 's.sqlite'), { abuseColumns: false });
      const r = new SnapshotReader(path.join(dir, 's.sqlite'));
      expect(r.report(FIXTURE.v4.slug)!.abuse).toBeNull();
      r.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('opening a snapshot', () => {
  it('refuses a missing file with SNAPSHOT_OPEN', () => {
    expect(() => new SnapshotReader(path.join(dir, 'absent.sqlite'))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_OPEN' }));
  });

  it('refuses another schema version with SNAPSHOT_VERSION', async () => {
    const { default: Database } = await import('better-sqlite3');
    const file = path.join(dir, 'old.sqlite');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '0');");
    db.close();
    expect(() => new SnapshotReader(file)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_VERSION' }));
  });
});

describe('readingTotals (the methodology page\'s "What was read")', () => {
  it('is the fixture\'s two runs', () => {
    expect(reader.readingTotals()).toEqual({ runs: 2, firstRunAt: FIXTURE.asOf - 86_400_000, lastRunAt: FIXTURE.asOf, read: 220, parsed: 218, skipped: { malformed: 2 } });
  });

  it('sums every run and keeps only well-formed reason ids and counts', async () => {
    const { default: Database } = await import('better-sqlite3');
    const dir = mkdtempSync(path.join(tmpdir(), 'pillory-runs-'));
    try {
      const file = path.join(dir, 's.sqlite');
      makeFixtureSnapshot(file);
      const db = new Database(file);
      const add = db.prepare('INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)');
      add.run(3, FIXTURE.asOf + 86_400_000, FIXTURE.asOf + 86_400_000, FIXTURE.asOf, 1000, 990, '{"malformed":3,"oversized":1,"non-public-client":6}');
      add.run(4, FIXTURE.asOf + 2 * 86_400_000, FIXTURE.asOf + 2 * 86_400_000, FIXTURE.asOf, 5, 0, '{"<script>":1,"outside-window":2,"bad-time":-1,"blank":1.5}');
      add.run(5, FIXTURE.asOf + 3 * 86_400_000, FIXTURE.asOf + 3 * 86_400_000, FIXTURE.asOf, 0, 0, 'not json');
      db.close();
      const r = new SnapshotReader(file);
      expect(r.readingTotals()).toEqual({
        runs: 5, firstRunAt: FIXTURE.asOf - 86_400_000, lastRunAt: FIXTURE.asOf + 3 * 86_400_000, read: 1225, parsed: 1208,
        skipped: { malformed: 5, oversized: 1, 'non-public-client': 6, 'outside-window': 2 },
      });
      r.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
