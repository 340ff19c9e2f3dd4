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

describe('runLimitedByKey: one slow key cannot hold the whole pool', () => {
  it('keeps at most perKey tasks of a key in flight and the others moving', async () => {
    const { runLimitedByKey } = await import('../../src/dnsbl/run-limited.ts');
    const inFlight = new Map<string, number>();
    const maxSeen = new Map<string, number>();
    const finished: string[] = [];
    const task = (key: string, ms: number, i: number) => ({
      key,
      run: async () => {
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        maxSeen.set(key, Math.max(maxSeen.get(key) ?? 0, inFlight.get(key)!));
        await new Promise((r) => setTimeout(r, ms));
        inFlight.set(key, inFlight.get(key)! - 1);
        finished.push(key);
        return `${key}${i}`;
      },
    });
    const tasks = Array.from({ length: 8 }, (_, i) => [task('slow', 200, i), task('fast', 1, i)]).flat();
    const t0 = Date.now();
    const out = await runLimitedByKey(tasks, 4, 2);
    expect(out).toEqual(tasks.map((_, i) => `${i % 2 ? 'fast' : 'slow'}${i >> 1}`));
    expect(maxSeen.get('slow')).toBe(2);
    // every fast task is done before the slow key's second pair starts finishing
    expect(finished.slice(0, 8)).toEqual(Array(8).fill('fast'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
  });

  it('handles no tasks and a single key', async () => {
    const { runLimitedByKey } = await import('../../src/dnsbl/run-limited.ts');
    expect(await runLimitedByKey([], 4, 1)).toEqual([]);
    expect(await runLimitedByKey([1, 2, 3].map((n) => ({ key: 'k', run: async () => n * 2 })), 8, 8)).toEqual([2, 4, 6]);
  });
});
