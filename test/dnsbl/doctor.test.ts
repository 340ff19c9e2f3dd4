import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doctor } from '../../src/cli/doctor.ts';
import { validateConfig } from '../../src/config/load-config.ts';
import { startLocalDns, type LocalDns, type Reply } from '../dns/local-dns-server.ts';

// `pillory doctor` against a DNS server on 127.0.0.1: zen answers its test points, dronebl is
// silent, spamcop lists everything.
let dns: LocalDns;
beforeAll(async () => {
  dns = await startLocalDns((name): Reply => {
    if (name.endsWith('dnsbl.dronebl.org')) return 'silent';
    if (name.endsWith('bl.spamcop.net')) return { a: ['127.0.0.2'] };
    return name.startsWith('2.0.0.127.') ? { a: ['127.0.0.2'] } : { rcode: 3 };
  });
});
afterAll(() => dns.close());

describe('pillory doctor', () => {
  it('reports each database and each zone against the configured resolver', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-doctor-'));
    writeFileSync(join(dir, 'a.log'), '');
    const cfg = validateConfig({ logs: [join(dir, '*.log')], resolver: dns.resolver, dnsbl: { zones: ['zen.spamhaus.org', 'dnsbl.dronebl.org', 'bl.spamcop.net'], timeoutMs: 200 } }, 'test');
    const lines: string[] = [];
    const code = await doctor(cfg, (l) => lines.push(l));
    const text = lines.join('\n');
    expect(code).toBe(1);
    expect(text).toContain('  ✓ 1 log file(s) match');
    expect(text).toMatch(/^ {2}✓ city: DB-IP Lite City, built \d{4}-\d\d-\d\d, [\d,]+ records, licence CC-BY-4\.0$/m);
    expect(text).toMatch(/^ {2}✓ asn: ip-location-db ASN \(RouteViews, NRO, DB-IP\), built \d{4}-\d\d-\d\d, [\d,]+ records, licence CC-BY-4\.0$/m);
    expect(text).toContain(`  resolver 127.0.0.1:${dns.port} (configured)`);
    expect(text).toContain('  ✓ zen.spamhaus.org: test points answer as RFC 5782 requires');
    expect(text).toContain('  ✗ dnsbl.dronebl.org: test point 127.0.0.2: timeout');
    expect(text).toContain('  ✗ bl.spamcop.net: test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)');
    expect(text).toMatch(/worst case for 10,000 new addresses .*: \d+ s/);
    expect(text).toContain('2 problem(s) found');
    expect(text).toContain('  - Tor exit list: not configured');
  });

  it('offline: no query, and a clean setup says no problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-doctor-'));
    writeFileSync(join(dir, 'a.log'), '');
    writeFileSync(join(dir, 'exits.txt'), '198.51.100.9\n');
    dns.queries.length = 0;
    const cfg = validateConfig({ logs: [join(dir, 'a.log')], offline: true, geo: { torExitList: join(dir, 'exits.txt') } }, 'test');
    const lines: string[] = [];
    expect(await doctor(cfg, (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('  - offline: 8 zone(s) configured, not checked');
    expect(lines.some((l) => /^ {2}✓ Tor exit list: 1 addresses, file of \d{4}-\d\d-\d\d$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('no problems found');
    expect(dns.queries).toEqual([]);
  });
});

describe('pillory doctor behind a resolver that answers NXDOMAIN for everything', () => {
  it('says the resolver, not every list, is the likely cause', async () => {
    const nx = await startLocalDns(() => ({ rcode: 3 }));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'pillory-doctor-'));
      writeFileSync(join(dir, 'a.log'), '');
      const cfg = validateConfig({ logs: [join(dir, 'a.log')], resolver: nx.resolver, dnsbl: { zones: ['zen.spamhaus.org', 'bl.spamcop.net'], timeoutMs: 300 } }, 'test');
      const lines: string[] = [];
      expect(await doctor(cfg, (l) => lines.push(l))).toBe(1);
      expect(lines).toContain('  ✗ zen.spamhaus.org: test point 127.0.0.2 is not listed: the zone is empty or gone, or this resolver cannot reach it');
      expect(lines).toContain('    ! no zone lists its test point 127.0.0.2: 127.0.0.1 probably cannot reach the blocklists (filtered or offline network); nightly runs will show every list as "not checked"');
    } finally {
      await nx.close();
    }
  });
});
