import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { checkDnsbl, dnsblQueryName, loadZones, selectZones } from '../../src/dnsbl/check-dnsbl.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';
import { createDnsClient } from '../../src/dns/dns-client.ts';
import { validateConfig } from '../../src/config/load-config.ts';
import { dnsblStage } from '../../src/pipeline/stage-dnsbl.ts';
import { applyCorroboration } from '../../src/pipeline/stage-publish.ts';
import { snapshotWithActors } from './snapshot-fixture.ts';

// Each test here replays one field case from ../shared/cases/dnsbl-0x against a real DNS server on
// 127.0.0.1; the zone behaviour is chosen per test by `behave`.

const ZEN = 'zen.spamhaus.org';
let behave: (name: string) => Reply = () => ({ rcode: 3 });
let dns: LocalDns;

beforeAll(async () => {
  dns = await startLocalDns((name) => behave(name));
});
afterAll(() => dns.close());

/** RFC 5782 test points answered correctly, everything else from `rest`. */
function healthy(zone: string, rest: (name: string) => Reply): (name: string) => Reply {
  return (name) => {
    if (name === `2.0.0.127.${zone}`) return { a: ['127.0.0.2'] };
    if (name === `1.0.0.127.${zone}`) return { rcode: 3 };
    return rest(name);
  };
}

const opts = (zones: string[], timeoutMs = 1000) => ({ resolver: dns.resolver, zones, timeoutMs, concurrency: 16, now: () => 1_700_000_000_000 });

describe('dnsbl-01-error-codes: 127.255.255.x are errors, PBL is policy', () => {
  it.each([
    ['127.255.255.254', 'error', /resolver refused/, false],
    ['127.255.255.252', 'error', /bad query/, false],
    ['127.255.255.255', 'error', /rate limited/, false],
    ['127.0.0.11', 'listed', /^PBL: /, false],
    ['127.0.0.2', 'listed', /^SBL: /, true],
    ['127.0.0.4', 'listed', /^XBL: exploited host/, true],
    ['127.0.0.200', 'listed', /^listed \(unknown code\)$/, false],
  ])('A %s → %s', async (answer, status, meaning, abuse) => {
    behave = healthy(ZEN, (name) => (name === `10.2.0.192.${ZEN}` ? { a: [answer] } : { rcode: 3 }));
    const { results, health } = await checkDnsbl(['192.0.2.10'], opts([ZEN]));
    const r = results.get('192.0.2.10')!;
    expect(r).toHaveLength(1);
    expect(r[0]!.status).toBe(status);
    expect(r[0]!.meaning).toMatch(meaning);
    expect(r[0]!.abuse).toBe(abuse);
    expect(r[0]!.codes).toBe(answer);
    expect(r[0]!.checkedAt).toBe(1_700_000_000_000);
    expect(dns.queries).toContain(`A 10.2.0.192.${ZEN}`);
    // .254 and .252 make the whole zone unusable this run (a run-level warning); .255 does not
    expect(health[0]!.ok).toBe(answer !== '127.255.255.254' && answer !== '127.255.255.252');
  });

  it.each([
    // [answer, points added to a published actor's score, run-level warning]
    ['127.255.255.254', 0, `DNSBL zone ${ZEN} unusable this run: broke during the run: resolver refused: queries through public/open resolvers are blocked`],
    ['127.255.255.252', 0, `DNSBL zone ${ZEN} unusable this run: broke during the run: bad query (typo in the zone name)`],
    ['127.255.255.255', 0, null],
    ['127.0.0.11', 0, null],
    ['127.0.0.2', 5, null],
    ['127.0.0.4', 5, null],
  ])('in a run: A %s adds %i points; warning %s', async (answer, points, warning) => {
    behave = healthy(ZEN, (name) => (name === `10.2.0.192.${ZEN}` ? { a: [answer] } : { rcode: 3 }));
    const copy = snapshotWithActors(['192.0.2.10']);
    copy.db.prepare(`UPDATE actors SET score = 70, evidence_score = 70`).run();
    const warnings: string[] = [];
    const cfg = validateConfig({ resolver: dns.resolver, dnsbl: { zones: [ZEN], timeoutMs: 1000 } }, 'test');
    await dnsblStage(copy.db, cfg, createDnsClient({ resolver: dns.resolver, timeoutMs: 1000 }), { warn: (l) => warnings.push(l) });
    applyCorroboration(copy.db);
    expect(copy.db.prepare(`SELECT score, corroboration FROM actors`).get()).toEqual({ score: 70 + points, corroboration: points });
    expect(warnings).toEqual(warning ? [warning] : []);
    copy.discard();
  });

  it('a zone that answers 127.255.255.254 to its health probe is unusable and never queried', async () => {
    dns.queries.length = 0;
    behave = () => ({ a: ['127.255.255.254'] });
    const { results, health } = await checkDnsbl(['192.0.2.10', '198.51.100.1'], opts([ZEN]));
    expect(health).toEqual([{ zone: ZEN, ok: false, detail: 'test point 127.0.0.2: resolver refused: queries through public/open resolvers are blocked' }]);
    expect(results.get('198.51.100.1')![0]).toMatchObject({ status: 'error', meaning: expect.stringMatching(/^zone unavailable this run: /) });
    expect(dns.queries.filter((q) => q.includes('192.0.2.10') || q.includes('10.2.0.192'))).toEqual([]);
  });
});

describe('dnsbl-02-dead-zone: a zone that lists everything counts for nothing', () => {
  it.each([
    ['wildcard inside 127/8', (): Reply => ({ a: ['127.0.0.2'] }), /127\.0\.0\.1 is listed/],
    ['parked outside 127/8', (): Reply => ({ a: ['198.51.100.200'] }), /outside 127\.0\.0\.0\/8/],
  ])('%s', async (_label, answer, detail) => {
    behave = answer;
    const { results, health } = await checkDnsbl(['192.0.2.10'], opts(['dnsbl.dronebl.org']));
    expect(health[0]!.ok).toBe(false);
    expect(health[0]!.detail).toMatch(detail);
    expect(results.get('192.0.2.10')![0]).toMatchObject({ zone: 'dnsbl.dronebl.org', status: 'error', abuse: false, meaning: expect.stringMatching(/^zone unavailable this run/) });
  });

  it('a zone that passes its probe but answers outside 127/8 later is marked broken, no answer counts', async () => {
    behave = healthy('dnsbl.dronebl.org', (name) => (name.startsWith('10.2.0.192.') ? { a: ['127.0.0.3'] } : { a: ['198.51.100.200'] }));
    const { results, health } = await checkDnsbl(['192.0.2.10', '192.0.2.11'], { ...opts(['dnsbl.dronebl.org']), concurrency: 1 });
    expect(results.get('192.0.2.10')![0]!.status).toBe('error');
    expect(results.get('192.0.2.11')![0]!.status).toBe('error');
    expect(results.get('192.0.2.10')![0]!.meaning).toMatch(/zone unavailable this run: zone broken: answer 198\.51\.100\.200/);
    expect(health[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^broke during the run/) });
  });
});

describe('dnsbl-03-retired-zones', () => {
  const registry = loadZones();
  it.each([
    ['dnsbl.sorbs.net', '2024-06'],
    ['ix.dnsbl.manitu.net', '2025-01'],
  ])('%s is retired since %s, never selected, refused by name', (zone, when) => {
    const z = registry.find((r) => r.zone === zone)!;
    expect(z.status).toBe('retired');
    expect(z.retired).toBe(when);
    expect(selectZones(['all-active'], registry).map((s) => s.zone)).not.toContain(zone);
    expect(() => selectZones([zone], registry)).toThrow(/retired/);
  });

  it.each([
    ['dnsbl-2.uceprotect.net', 'range'],
    ['dnsbl-3.uceprotect.net', 'asn'],
  ])('%s has scope %s and its listings add no per-IP points', async (zone, scope) => {
    expect(registry.find((r) => r.zone === zone)!.scope).toBe(scope);
    behave = healthy(zone, () => ({ a: ['127.0.0.2'] }));
    const { results } = await checkDnsbl(['192.0.2.10'], opts([zone]));
    expect(results.get('192.0.2.10')![0]).toMatchObject({ status: 'listed', abuse: false });
  });

  it('all-active sends no query to a retired zone nor to one that needs registration', async () => {
    dns.queries.length = 0;
    behave = () => ({ rcode: 3 });
    await checkDnsbl(['192.0.2.10'], opts(['all-active']));
    expect(dns.queries.some((q) => q.endsWith('sorbs.net') || q.endsWith('manitu.net') || q.endsWith('barracudacentral.org'))).toBe(false);
    expect(dns.queries).toContain(`A 2.0.0.127.${ZEN}`);
  });
});

describe('dnsbl-04-ipv6-query', () => {
  it.each([
    ['2001:db8::1', ZEN, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org'],
    ['192.0.2.10', ZEN, '10.2.0.192.zen.spamhaus.org'],
    ['::ffff:192.0.2.10', ZEN, '10.2.0.192.zen.spamhaus.org'],
    ['2001:DB8:0:0:0:0:0:1', 'dnsbl.dronebl.org.', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.dnsbl.dronebl.org'],
  ])('%s in %s → %s', (ip, zone, want) => {
    const name = dnsblQueryName(ip, zone);
    expect(name).toBe(want);
    expect(name).not.toContain('..');
  });

  it('an IPv6 address is skipped (not applicable) by zones without IPv6, queried by the others', async () => {
    dns.queries.length = 0;
    behave = healthy(ZEN, () => ({ rcode: 3 }));
    const healthyBoth = healthy('bl.spamcop.net', behave);
    behave = healthyBoth;
    const { results } = await checkDnsbl(['2001:db8::1'], opts([ZEN, 'bl.spamcop.net']));
    const [zen, spamcop] = results.get('2001:db8::1')!;
    expect(zen).toMatchObject({ status: 'not_listed' });
    expect(spamcop).toMatchObject({ status: 'skipped', meaning: 'not applicable: the zone does not list IPv6 addresses' });
    expect(dns.queries).toContain(`A 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.${ZEN}`);
    expect(dns.queries.some((q) => q.endsWith('2.bl.spamcop.net') && !q.includes('127'))).toBe(false);
  });
});

describe('dnsbl-05-timeout-servfail', () => {
  const file = fileURLToPath(new URL('./fixtures/zones.yaml', import.meta.url));
  const fixtureBehave = (name: string): Reply => {
    const zone = name.split('.').slice(-2).join('.');
    const probe = name.startsWith('2.0.0.127.') || name.startsWith('1.0.0.127.');
    switch (zone) {
      case 'list.test':
        if (probe) return healthy(zone, () => ({ rcode: 3 }))(name);
        return name.startsWith('10.2.0.192.') ? { a: ['127.0.0.2'] } : { rcode: 3 };
      case 'nx.test': return healthy(zone, () => ({ rcode: 3 }))(name);
      case 'refused.test': return probe ? healthy(zone, () => ({ rcode: 3 }))(name) : { rcode: 5 };
      case 'servfail.test': return probe ? healthy(zone, () => ({ rcode: 3 }))(name) : { rcode: 2 };
      case 'silent.test': return probe ? healthy(zone, () => ({ rcode: 3 }))(name) : 'silent';
      case 'wildcard.test': return { a: ['127.0.0.2'] };
      case 'parked.test': return { a: ['198.51.100.200'] };
      case 'publicres.test': return probe ? healthy(zone, () => ({ rcode: 3 }))(name) : { a: ['127.255.255.254'] };
      case 'slowlist.test': return 'silent';
      default: return { rcode: 3 };
    }
  };

  it.each([
    ['list.test', 'listed', 'test listing'],
    ['nx.test', 'not_listed', 'not listed'],
    ['refused.test', 'error', 'resolver answered REFUSED'],
    ['servfail.test', 'error', 'resolver answered SERVFAIL'],
    ['silent.test', 'error', 'timeout'],
    ['wildcard.test', 'error', 'zone unavailable this run: test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)'],
    ['parked.test', 'error', 'zone unavailable this run: test point 127.0.0.2: zone broken: answer 198.51.100.200 is outside 127.0.0.0/8 (dead or parked zone)'],
    ['publicres.test', 'error', 'zone unavailable this run: resolver refused: queries through public/open resolvers are blocked'],
    ['slowlist.test', 'error', 'zone unavailable this run: test point 127.0.0.2: timeout'],
  ])('%s → %s (%s)', async (zone, status, meaning) => {
    behave = fixtureBehave;
    const { results } = await checkDnsbl(['192.0.2.10'], { ...opts([zone], 300), zonesFile: file });
    expect(results.get('192.0.2.10')![0]).toMatchObject({ zone, status, meaning });
  });

  it('a silent query is retried once after a backoff', async () => {
    behave = fixtureBehave;
    dns.queries.length = 0;
    await checkDnsbl(['192.0.2.10'], { ...opts(['silent.test'], 200), zonesFile: file });
    expect(dns.queries.filter((q) => q === 'A 10.2.0.192.silent.test')).toHaveLength(2);
  });

  it('a batch where every zone is dead finishes in about timeout × 2, not N × timeout', async () => {
    behave = () => 'silent';
    const ips = Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`);
    const t0 = Date.now();
    const { results, health } = await checkDnsbl(ips, { ...opts(['all-active'], 300), concurrency: 64 });
    const took = Date.now() - t0;
    expect(health.every((h) => !h.ok)).toBe(true);
    expect([...results.values()].flat().every((r) => r.status === 'error')).toBe(true);
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(1500);
  });

  it('zones healthy at the probe but silent for every address also finish in about timeout × 2', async () => {
    behave = fixtureBehave;
    const ips = Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`);
    const t0 = Date.now();
    const { results } = await checkDnsbl(ips, { ...opts(['silent.test', 'servfail.test'], 300), concurrency: 64, zonesFile: file });
    const took = Date.now() - t0;
    expect(results.get('198.51.100.7')!.map((r) => r.meaning)).toEqual(['timeout', 'resolver answered SERVFAIL']);
    expect(took).toBeLessThan(1500);
  });

  it('an address whose lookups all failed is never reported not_listed', async () => {
    behave = fixtureBehave;
    const { results } = await checkDnsbl(['192.0.2.10'], { ...opts(['refused.test', 'servfail.test', 'silent.test'], 200), zonesFile: file });
    expect(results.get('192.0.2.10')!.map((r) => r.status)).toEqual(['error', 'error', 'error']);
  });
});
