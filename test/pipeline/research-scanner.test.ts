// Research scanners (data/scanners/): identified by published ranges or by forward-confirmed reverse
// DNS, labelled, and kept out of the blocklists unless the operator says otherwise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugOf } from '../../src/core/ip.ts';
import { createDnsClient } from '../../src/dns/dns-client.ts';
import { loadScanners, scannerByRange, type ScannerDef } from '../../src/detect/research-scanner.ts';
import { checkCrawlers } from '../../src/pipeline/stage-enrich.ts';
import { openWorkingCopy } from '../../src/snapshot/working-copy.ts';
import { startLocalDns, type LocalDns } from '../dns/local-dns-server.ts';

describe('the shipped scanner definitions', () => {
  const defs = loadScanners();
  it('load, each with a name and a way to recognise it', () => {
    expect(defs.map((d) => d.name)).toEqual(['BinaryEdge', 'Censys', 'Driftnet (internet-measurement.com)', 'Shadowserver', 'Shodan']);
    for (const d of defs) expect(d.ranges.length + d.rdnsSuffixes.length, d.name).toBeGreaterThan(0);
  });
  it.each([['162.142.125.10', 'Censys'], ['167.94.138.200', 'Censys'], ['162.142.126.10', null], ['195.250.34.144', null]])('%s → %s by published range', (ip, want) => {
    expect(scannerByRange(ip, defs)?.name ?? null).toBe(want);
  });
});

describe('checkCrawlers labels research scanners', () => {
  const TEST: ScannerDef[] = [{ name: 'Example Research', url: null, rdnsSuffixes: ['scan.example.net'], ranges: ['198.51.100.0/25'] }];
  let dns: LocalDns;
  beforeAll(async () => {
    dns = await startLocalDns((name, type) => {
      if (type === 'PTR' && name === '5.113.0.203.in-addr.arpa') return { ptr: ['probe-5.scan.example.net'] };
      if (type === 'A' && name === 'probe-5.scan.example.net') return { a: ['203.0.113.5'] };
      // claims the suffix but the name does not resolve back: not the project
      if (type === 'PTR' && name === '6.113.0.203.in-addr.arpa') return { ptr: ['probe-6.scan.example.net'] };
      if (type === 'A' && name === 'probe-6.scan.example.net') return { a: ['192.0.2.99'] };
      return { rcode: 3 };
    });
  });
  afterAll(() => dns.close());

  it('by range without any lookup, by forward-confirmed reverse DNS, and not on a forged PTR', async () => {
    const copy = openWorkingCopy(join(mkdtempSync(join(tmpdir(), 'pillory-scanner-')), 's.sqlite'));
    const ins = copy.db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, published, updated_at)
      VALUES (?, ?, 4, 1, 0, 0, 70, 70, 70, 'high', 0, 0)`);
    for (const k of ['198.51.100.20', '203.0.113.5', '203.0.113.6', '203.0.113.7']) ins.run(k, slugOf(k));
    await checkCrawlers(copy.db, [], createDnsClient({ resolver: dns.resolver, timeoutMs: 300 }), 4, TEST);
    expect(copy.db.prepare(`SELECT key, scanner FROM actors ORDER BY key`).all()).toEqual([
      { key: '198.51.100.20', scanner: 'Example Research' },
      { key: '203.0.113.5', scanner: 'Example Research' },
      { key: '203.0.113.6', scanner: null },
      { key: '203.0.113.7', scanner: null },
    ]);
    expect(dns.queries.filter((q) => q.includes('20.100.51.198'))).toEqual([]);
    copy.discard();
  });
});
