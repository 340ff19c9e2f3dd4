import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDnsbl, loadZones } from '../../src/dnsbl/check-dnsbl.ts';
import { queryZoneOf } from '../../src/dnsbl/query-zone.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';

const KEY = 'abcdefghijklmnopqrstuvwxyz';
const zones = loadZones();
const zen = zones.find((z) => z.zone === 'zen.spamhaus.org')!;
const drone = zones.find((z) => z.zone === 'dnsbl.dronebl.org')!;

describe('Spamhaus Data Query Service key', () => {
  it.each([
    [zen, null, 'zen.spamhaus.org'],
    [zen, KEY, `${KEY}.zen.dq.spamhaus.net`],
    [zen, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', `${KEY}.zen.dq.spamhaus.net`],
    [drone, KEY, 'dnsbl.dronebl.org'], // only Spamhaus zones change
  ])('%s with key %s → %s', (zone, key, want) => {
    expect(queryZoneOf(zone, key)).toBe(want);
  });

  it('refuses a key that is not letters and digits (it becomes part of a DNS name)', () => {
    expect(() => queryZoneOf(zen, 'abc.def/../ghi-jklmnop')).toThrow(/dnsbl\.spamhausDqsKey must be/);
  });

  describe('against a local DNS server', () => {
    let dns: LocalDns;
    beforeAll(async () => {
      dns = await startLocalDns((name): Reply => {
        if (!name.endsWith(`.${KEY}.zen.dq.spamhaus.net`)) return { a: ['127.255.255.254'] };
        if (name.startsWith('2.0.0.127.') || name.startsWith('10.2.0.192.')) return { a: ['127.0.0.2'] };
        return { rcode: 3 };
      });
    });
    afterAll(() => dns.close());

    it('queries the DQS name, reports under the public zone name, and never puts the key in a result', async () => {
      const { results, health } = await checkDnsbl(['192.0.2.10'], { resolver: dns.resolver, zones: ['zen.spamhaus.org'], timeoutMs: 500, concurrency: 4, spamhausDqsKey: KEY });
      expect(health).toEqual([{ zone: 'zen.spamhaus.org', ok: true, detail: 'test points answer as RFC 5782 requires' }]);
      expect(results.get('192.0.2.10')).toEqual([expect.objectContaining({ zone: 'zen.spamhaus.org', status: 'listed', meaning: 'SBL: Spamhaus-verified spam source or operation' })]);
      expect(dns.queries).toContain(`A 10.2.0.192.${KEY}.zen.dq.spamhaus.net`);
      expect(JSON.stringify([...results.values(), health])).not.toContain(KEY);
    });
  });
});
