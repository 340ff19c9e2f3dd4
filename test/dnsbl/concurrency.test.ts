import { describe, expect, it } from 'vitest';
import { checkDnsbl } from '../../src/dnsbl/check-dnsbl.ts';
import type { DnsClient, DnsOutcome } from '../../src/dns/dns-client.ts';

/** A fake client that answers after a delay and records the most queries it saw in flight. */
function countingClient(delayMs: number) {
  let inFlight = 0;
  const seen = { max: 0, total: 0 };
  const answer = async (name: string): Promise<DnsOutcome> => {
    inFlight++;
    seen.total++;
    seen.max = Math.max(seen.max, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    return name.startsWith('2.0.0.127.') ? { rcode: 'NOERROR', answers: ['127.0.0.2'] } : { rcode: 'NXDOMAIN', answers: [] };
  };
  const client: DnsClient = { queryA: answer, queryAAAA: answer, queryPTR: answer };
  return { client, seen };
}

describe('bounded concurrency', () => {
  it.each([1, 3, 8])('never more than %i queries in flight', async (concurrency) => {
    const { client, seen } = countingClient(5);
    const ips = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
    const { results } = await checkDnsbl(ips, { resolver: null, zones: ['dnsbl.dronebl.org', 'bl.spamcop.net'], timeoutMs: 500, concurrency }, client);
    expect(seen.max).toBe(concurrency);
    expect(seen.total).toBe(2 * 2 + 12 * 2);
    expect([...results.values()].flat().every((r) => r.status === 'not_listed')).toBe(true);
  });
});
