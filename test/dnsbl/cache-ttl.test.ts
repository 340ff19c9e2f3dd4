import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { dnsblStage, isFresh, zoneTtlMs, recordDnsblCorroboration } from '../../src/pipeline/stage-dnsbl.ts';
import { applyCorroboration } from '../../src/pipeline/stage-publish.ts';
import { loadZones } from '../../src/dnsbl/zones.ts';
import { createDnsClient } from '../../src/dns/dns-client.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';
import { snapshotWithActors } from './snapshot-fixture.ts';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;
const ZEN = 'zen.spamhaus.org';
const DRONE = 'dnsbl.dronebl.org';

let dns: LocalDns;
let listed: Record<string, string> = {};
beforeAll(async () => {
  dns = await startLocalDns((name): Reply => {
    if (name.startsWith('2.0.0.127.')) return { a: ['127.0.0.2'] };
    const hit = Object.entries(listed).find(([prefix]) => name.startsWith(prefix));
    return hit ? { a: [hit[1]] } : { rcode: 3 };
  });
});
afterAll(() => dns.close());

const cfgWith = (dnsbl: Record<string, unknown> = {}) => validateConfig({ resolver: dns.resolver, dnsbl: { zones: [ZEN, DRONE], timeoutMs: 500, ...dnsbl } }, 'test');
const addressQueries = () => dns.queries.filter((q) => !q.includes(' 2.0.0.127.') && !q.includes(' 1.0.0.127.'));

describe('zone TTL', () => {
  const zones = loadZones();
  const spamcop = zones.find((z) => z.zone === 'bl.spamcop.net')!;
  const zen = zones.find((z) => z.zone === ZEN)!;
  it.each([
    ['registry value (bl.spamcop.net: 6 h)', spamcop, {}, 6 * HOUR],
    ['config default (zen: 24 h)', zen, {}, 24 * HOUR],
    ['config default changed', zen, { ttlHours: 48 }, 48 * HOUR],
    ['per-zone config beats the registry', spamcop, { zoneOptions: { 'bl.spamcop.net': { ttlHours: 1 } } }, 1 * HOUR],
  ])('%s', (_l, zone, dnsbl, want) => {
    expect(zoneTtlMs(zone, validateConfig({ dnsbl }, 'test').dnsbl)).toBe(want);
  });

  it.each([
    ['listed, 1 h old', { status: 'listed', checked_at: T0 - HOUR }, true],
    ['not_listed, 23 h old', { status: 'not_listed', checked_at: T0 - 23 * HOUR }, true],
    ['not_listed, exactly 24 h old', { status: 'not_listed', checked_at: T0 - 24 * HOUR }, false],
    ['error, 1 min old: errors are always asked again', { status: 'error', checked_at: T0 - 60_000 }, false],
    ['skipped', { status: 'skipped', checked_at: T0 }, false],
    ['checked in the future (clock went back)', { status: 'listed', checked_at: T0 + HOUR }, false],
    ['no row', undefined, false],
  ])('%s → fresh %s', (_l, row, want) => {
    expect(isFresh(row && { actor: 'a', zone: ZEN, ...row }, 24 * HOUR, T0)).toBe(want);
  });
});

describe('dnsblStage reuses fresh results and asks only what is due', () => {
  it('night 1 asks everything; night 2 (1 h later) asks nothing; a newly published actor and expired rows are asked', async () => {
    const copy = snapshotWithActors(['192.0.2.10', '192.0.2.11', '192.0.2.12'], ['192.0.2.12']);
    const db = copy.db;
    listed = { [`10.2.0.192.${ZEN}`]: '127.0.0.4' };
    dns.queries.length = 0;
    const night1 = await dnsblStage(db, cfgWith(), clientFor(), { now: () => T0 });
    expect(night1).toEqual({ listed: 1, not_listed: 3 });
    expect(addressQueries()).toHaveLength(4);

    dns.queries.length = 0;
    const night2 = await dnsblStage(db, cfgWith(), clientFor(), { now: () => T0 + HOUR });
    expect(night2).toEqual({ cached: 4 });
    expect(addressQueries()).toEqual([]);
    // the health check still runs every night
    expect(dns.queries).toContain(`A 2.0.0.127.${ZEN}`);

    db.prepare(`UPDATE actors SET published = 1 WHERE key = '192.0.2.12'`).run();
    dns.queries.length = 0;
    const night3 = await dnsblStage(db, cfgWith(), clientFor(), { now: () => T0 + 2 * HOUR });
    expect(night3).toEqual({ not_listed: 2, cached: 4 });
    expect(addressQueries().sort()).toEqual([`A 12.2.0.192.${DRONE}`, `A 12.2.0.192.${ZEN}`]);

    dns.queries.length = 0;
    const night4 = await dnsblStage(db, cfgWith(), clientFor(), { now: () => T0 + 25 * HOUR });
    expect(night4).toEqual({ listed: 1, not_listed: 3, cached: 2 });
    expect(addressQueries()).toHaveLength(4);
    copy.discard();
  });

  it('a zone dropped from the config loses its rows; a zone added is asked for every actor', async () => {
    const copy = snapshotWithActors(['192.0.2.20', '192.0.2.21']);
    listed = {};
    await dnsblStage(copy.db, cfgWith({ zones: [ZEN] }), clientFor(), { now: () => T0 });
    dns.queries.length = 0;
    const counts = await dnsblStage(copy.db, cfgWith({ zones: [DRONE] }), clientFor(), { now: () => T0 + 60_000 });
    expect(counts).toEqual({ not_listed: 2 });
    expect(copy.db.prepare(`SELECT DISTINCT zone FROM dnsbl`).pluck().all()).toEqual([DRONE]);
    copy.discard();
  });

  it('an error is never cached: the next night asks again', async () => {
    const copy = snapshotWithActors(['192.0.2.30']);
    listed = { [`30.2.0.192.${ZEN}`]: '127.255.255.255' };
    expect(await dnsblStage(copy.db, cfgWith({ zones: [ZEN] }), clientFor(), { now: () => T0 })).toEqual({ error: 1 });
    listed = {};
    expect(await dnsblStage(copy.db, cfgWith({ zones: [ZEN] }), clientFor(), { now: () => T0 + 60_000 })).toEqual({ not_listed: 1 });
    copy.discard();
  });
});

describe('dnsblStage and IPv6 networks', () => {
  it('asks about the busiest address seen in a /64 and files the answer under the network', async () => {
    const copy = snapshotWithActors(['2001:db8:1:2::/64']);
    const ip = copy.db.prepare(`INSERT INTO actor_ips VALUES ('2001:db8:1:2::/64', ?, ?, 0, 0)`);
    ip.run('2001:db8:1:2::5', 3);
    ip.run('2001:db8:1:2:aaaa::1', 1);
    const name = `5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.${ZEN}`;
    listed = { [name]: '127.0.0.4' };
    dns.queries.length = 0;
    expect(await dnsblStage(copy.db, cfgWith({ zones: [ZEN] }), clientFor(), { now: () => T0 })).toEqual({ listed: 1 });
    expect(addressQueries()).toEqual([`A ${name}`]);
    expect(copy.db.prepare(`SELECT actor, status FROM dnsbl`).all()).toEqual([{ actor: '2001:db8:1:2::/64', status: 'listed' }]);
    listed = {};
    copy.discard();
  });
});

describe('DNSBL corroboration points (only listings that mean abuse)', () => {
  it.each([
    ['XBL (exploited host) on zen', { [`40.2.0.192.${ZEN}`]: '127.0.0.4' }, 5, `listed for abuse by ${ZEN} (XBL: exploited host (malware, botnet, open proxy))`],
    ['PBL is policy: no points', { [`40.2.0.192.${ZEN}`]: '127.0.0.11' }, 0, null],
    ['DroneBL open DNS resolver is not abuse', { [`40.2.0.192.${DRONE}`]: '127.0.0.12' }, 0, null],
    ['two abuse lists → 10', { [`40.2.0.192.${ZEN}`]: '127.0.0.2', [`40.2.0.192.${DRONE}`]: '127.0.0.13' }, 10, `listed for abuse by ${DRONE} (brute-force attacker), ${ZEN} (SBL: Spamhaus-verified spam source or operation)`],
    ['resolver refused (127.255.255.254) is an error, not a listing', { [`40.2.0.192.${ZEN}`]: '127.255.255.254' }, 0, null],
  ])('%s → %i points', async (_l, answers, points, reason) => {
    const copy = snapshotWithActors(['192.0.2.40']);
    listed = answers;
    await dnsblStage(copy.db, cfgWith(), clientFor(), { now: () => T0 });
    expect(copy.db.prepare(`SELECT dnsbl_points AS points, dnsbl_reason AS reason FROM actors WHERE key = '192.0.2.40'`).get()).toEqual({ points, reason });
    copy.discard();
  });

  it('is capped by maxPoints and cleared when the listing goes', () => {
    const copy = snapshotWithActors(['192.0.2.41']);
    const ins = copy.db.prepare(`INSERT INTO dnsbl(actor, zone, status, meaning, codes, abuse, checked_at) VALUES ('192.0.2.41', ?, 'listed', 'x', '127.0.0.2', 1, 0)`);
    for (const z of ['a.test', 'b.test', 'c.test']) ins.run(z);
    recordDnsblCorroboration(copy.db, { pointsPerListing: 5, maxPoints: 12 });
    expect(copy.db.prepare(`SELECT dnsbl_points FROM actors`).pluck().get()).toBe(12);
    copy.db.prepare(`DELETE FROM dnsbl`).run();
    recordDnsblCorroboration(copy.db, { pointsPerListing: 5, maxPoints: 12 });
    expect(copy.db.prepare(`SELECT dnsbl_points, dnsbl_reason FROM actors`).get()).toEqual({ dnsbl_points: 0, dnsbl_reason: null });
    copy.discard();
  });
});

describe('applyCorroboration: the DNSBL points reach the score of published actors only', () => {
  const setup = () => {
    const copy = snapshotWithActors(['192.0.2.50', '192.0.2.51', '192.0.2.52'], ['192.0.2.52']);
    const set = copy.db.prepare(`UPDATE actors SET score = ?, evidence_score = ?, dnsbl_points = ? WHERE key = ?`);
    set.run(62, 62, 10, '192.0.2.50');
    set.run(95, 95, 10, '192.0.2.51');
    set.run(55, 55, 10, '192.0.2.52');
    return copy;
  };
  const rows = (db: import('../../src/snapshot/working-copy.ts').Db) =>
    db.prepare(`SELECT key, score, verdict, corroboration FROM actors ORDER BY key`).all();

  it('adds them up to 100, sets the verdict, leaves unpublished actors alone, and adds only once per run', () => {
    const copy = setup();
    applyCorroboration(copy.db);
    const want = [
      { key: '192.0.2.50', score: 72, verdict: 'high', corroboration: 10 },
      { key: '192.0.2.51', score: 100, verdict: 'critical', corroboration: 5 },
      // a listing never publishes an address: 55 + 10 would pass 60, but it is not published
      { key: '192.0.2.52', score: 55, verdict: 'high', corroboration: 0 },
    ];
    expect(rows(copy.db)).toEqual(want);
    applyCorroboration(copy.db);
    expect(rows(copy.db)).toEqual(want);
    copy.discard();
  });

  it('takes the points back when the listing goes or the actor is no longer published', () => {
    const copy = setup();
    applyCorroboration(copy.db);
    copy.db.prepare(`UPDATE actors SET dnsbl_points = 0 WHERE key = '192.0.2.50'`).run();
    copy.db.prepare(`UPDATE actors SET published = 0 WHERE key = '192.0.2.51'`).run();
    applyCorroboration(copy.db);
    expect(rows(copy.db)).toEqual([
      { key: '192.0.2.50', score: 62, verdict: 'high', corroboration: 0 },
      { key: '192.0.2.51', score: 95, verdict: 'critical', corroboration: 0 },
      { key: '192.0.2.52', score: 55, verdict: 'high', corroboration: 0 },
    ]);
    copy.discard();
  });
});

function clientFor() {
  return createDnsClient({ resolver: dns.resolver, timeoutMs: 500 });
}

describe('dnsbl.since: when the outcome was first seen, kept while re-checks give the same answer', () => {
  it('keeps since on a same-answer re-check, moves it when the answer changes', async () => {
    const copy = snapshotWithActors(['192.0.2.60']);
    const cfg = cfgWith({ zones: [ZEN], ttlHours: 1 });
    const client = createDnsClient({ resolver: dns.resolver, timeoutMs: 500 });
    const row = () => copy.db.prepare(`SELECT status, checked_at, since FROM dnsbl WHERE actor = '192.0.2.60'`).get();
    listed = { [`60.2.0.192.${ZEN}`]: '127.0.0.4' };
    await dnsblStage(copy.db, cfg, client, { now: () => T0 });
    expect(row()).toEqual({ status: 'listed', checked_at: T0, since: T0 });
    // two hours later (past the 1 h TTL) the same answer: checked again, still listed since T0
    await dnsblStage(copy.db, cfg, client, { now: () => T0 + 2 * HOUR });
    expect(row()).toEqual({ status: 'listed', checked_at: T0 + 2 * HOUR, since: T0 });
    listed = {};
    await dnsblStage(copy.db, cfg, client, { now: () => T0 + 4 * HOUR });
    expect(row()).toEqual({ status: 'not_listed', checked_at: T0 + 4 * HOUR, since: T0 + 4 * HOUR });
    copy.discard();
  });
});
