import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { abuseStage } from '../../src/pipeline/stage-abuse.ts';
import { snapshotWithActors } from '../dnsbl/snapshot-fixture.ts';
import { bootstrapFile, networkJson, startLocalRdap, type LocalRdap, type RdapReply } from './local-rdap-server.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);
let rdap: LocalRdap;
let reply: (path: string) => RdapReply = () => ({ status: 404 });
beforeAll(async () => { rdap = await startLocalRdap((p) => reply(p)); });
afterAll(() => rdap.close());

const cfg = (extra: Record<string, unknown> = {}) => validateConfig({ rdap: { bootstrapFile: bootstrapFile(rdap.base), timeoutMs: 300, ...extra } }, 'test');
const contacts = (db: import('../../src/snapshot/working-copy.ts').Db) =>
  db.prepare(`SELECT key, abuse_email AS email, abuse_source AS source FROM actors ORDER BY key`).all();

describe('abuseStage', () => {
  it('one lookup per network, cached for weeks, shown on every actor inside it', async () => {
    const copy = snapshotWithActors(['192.0.2.10', '192.0.2.11', '198.51.100.5', '2001:db8:1::/64']);
    reply = (p) => {
      if (p.startsWith('/rdap/ip/192.0.2.')) return { json: networkJson('192.0.2.0', '192.0.2.255', 'abuse@example.net') };
      if (p.startsWith('/rdap/ip/2001:db8:1::')) return { json: networkJson('2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'abuse6@example.net', true) };
      return { json: networkJson('198.51.100.0', '198.51.100.255', null) };
    };
    rdap.requests.length = 0;
    const counts = await abuseStage(copy.db, cfg(), { now: () => T0 });
    expect(counts).toEqual({ found: 2, no_contact: 1, cached: 1 });
    expect(rdap.requests).toEqual(['/rdap/ip/192.0.2.10', '/rdap/ip/198.51.100.5', '/rdap/ip/2001:db8:1::']);
    expect(contacts(copy.db)).toEqual([
      { key: '192.0.2.10', email: 'abuse@example.net', source: `RDAP ${rdap.origin.slice(7)}, network EXAMPLE-NET 192.0.2.0 – 192.0.2.255, fetched 2026-06-01` },
      { key: '192.0.2.11', email: 'abuse@example.net', source: expect.stringContaining('192.0.2.0 – 192.0.2.255') },
      { key: '198.51.100.5', email: null, source: null },
      { key: '2001:db8:1::/64', email: 'abuse6@example.net', source: expect.stringContaining('2001:db8:: – 2001:db8:ffff') },
    ]);

    rdap.requests.length = 0;
    expect(await abuseStage(copy.db, cfg(), { now: () => T0 + 20 * DAY })).toEqual({ cached: 3, none: 1 });
    expect(rdap.requests).toEqual([]);

    reply = () => ({ json: networkJson('192.0.2.0', '192.0.2.255', 'new-abuse@example.net') });
    await abuseStage(copy.db, cfg(), { now: () => T0 + 29 * DAY });
    expect(rdap.requests.length).toBe(3);
    expect((contacts(copy.db) as { email: string }[])[1]!.email).toBe('new-abuse@example.net');
    copy.discard();
  });

  it('a failed lookup gives no contact, the run goes on, and is retried after retryHours', async () => {
    const copy = snapshotWithActors(['203.0.113.7']);
    reply = () => 'silent';
    const t0 = Date.now();
    expect(await abuseStage(copy.db, cfg(), { now: () => T0 })).toEqual({ error: 1 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(contacts(copy.db)).toEqual([{ key: '203.0.113.7', email: null, source: null }]);
    expect(copy.db.prepare(`SELECT status, detail FROM abuse`).get()).toEqual({ status: 'error', detail: 'no answer within 300 ms' });

    rdap.requests.length = 0;
    reply = () => ({ json: networkJson('203.0.113.0', '203.0.113.255', 'abuse@example.org') });
    expect(await abuseStage(copy.db, cfg(), { now: () => T0 + 3_600_000 })).toEqual({ none: 1 });
    expect(rdap.requests).toEqual([]);
    expect(await abuseStage(copy.db, cfg(), { now: () => T0 + DAY })).toEqual({ found: 1 });
    expect(contacts(copy.db)).toEqual([{ key: '203.0.113.7', email: 'abuse@example.org', source: expect.any(String) }]);
    copy.discard();
  });

  it.each([
    ['offline', { offline: true }],
    ['rdap disabled', { rdap: { enabled: false } }],
  ])('%s: no request, cached contacts stay attached', async (_l, extra) => {
    const copy = snapshotWithActors(['192.0.2.50', '192.0.2.51']);
    copy.db.prepare(`INSERT INTO abuse VALUES ('192.0.2.0 - 192.0.2.255', 4, '192.0.2.0', '192.0.2.255', 'H', 'N', 'abuse@example.net', 'rdap.example', 'ok', '', ?)`).run(T0 - 90 * DAY);
    rdap.requests.length = 0;
    const c = validateConfig({ ...extra, rdap: { bootstrapFile: bootstrapFile(rdap.base), ...(extra as { rdap?: object }).rdap } }, 'test');
    expect(await abuseStage(copy.db, c, { now: () => T0 })).toEqual({ cached: 2 });
    expect(rdap.requests).toEqual([]);
    expect((contacts(copy.db) as { email: string }[]).map((r) => r.email)).toEqual(['abuse@example.net', 'abuse@example.net']);
    copy.discard();
  });

  it('an unreachable registry stops the run\'s lookups after a streak of unanswered requests, with a warning', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);
    const copy = snapshotWithActors(keys);
    reply = () => 'silent';
    rdap.requests.length = 0;
    const warned: string[] = [];
    const t0 = Date.now();
    const counts = await abuseStage(copy.db, cfg({ timeoutMs: 200, concurrency: 1 }), { now: () => T0, warn: (l) => warned.push(l) });
    // 6 deadlines, not 20: the rest is asked next run
    expect(counts).toEqual({ error: 6, deferred: 14 });
    expect(rdap.requests).toHaveLength(6);
    expect(Date.now() - t0).toBeLessThan(6 * 200 + 1500);
    expect(warned).toEqual(['RDAP abuse contacts: stopped asking this run, 6 requests in a row got no answer (last: no answer within 200 ms); the rest is asked next run']);
    expect(copy.db.prepare(`SELECT count(*) FROM abuse`).pluck().get()).toBe(6);
    copy.discard();
  });

  it('a run past its budget asks no more and leaves the rest for the next night', async () => {
    const copy = snapshotWithActors(['192.0.2.70', '198.51.100.70']);
    reply = () => ({ json: networkJson('192.0.2.0', '192.0.2.255', 'abuse@example.net') });
    // a clock that moves 3 s per reading: the first lookup starts at 3 s, the second would start at 6 s
    let t = 0;
    const clock = () => (t += 3_000) - 3_000;
    expect(await abuseStage(copy.db, cfg({ budgetSeconds: 5, concurrency: 1 }), { now: () => T0, clock })).toEqual({ found: 1, deferred: 1 });
    copy.discard();
  });

  it('at most maxLookups per run; the rest wait for the next night', async () => {
    const copy = snapshotWithActors(['192.0.2.60', '198.51.100.60', '203.0.113.60']);
    reply = (p) => ({ json: networkJson(p.slice(9), p.slice(9), 'abuse@example.net') });
    expect(await abuseStage(copy.db, cfg({ maxLookups: 2 }), { now: () => T0 })).toEqual({ found: 2, deferred: 1, none: 1 });
    copy.discard();
  });
});
