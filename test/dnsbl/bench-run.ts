// Benchmark, not a test: `npx tsx test/dnsbl/bench-run.ts [addresses]`. A whole DNSBL run with the
// default settings (2 s deadline, 32 in flight, breaker after 8 timeouts) against a DNS server on
// 127.0.0.1 where half the zones pass their health probe and then never answer again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDnsbl } from '../../src/dnsbl/check-dnsbl.ts';
import { dnsblRunBoundMs } from '../../src/dnsbl/run-bound.ts';
import { startLocalDns, type Reply } from '../dns/local-dns-server.ts';

const n = Number(process.argv[2] ?? 10_000);
const names = ['a', 'b', 'c', 'd'].flatMap((x) => [`ok-${x}.test`, `mute-${x}.test`]);
const dir = mkdtempSync(join(tmpdir(), 'pillory-bench-'));
const file = join(dir, 'zones.yaml');
writeFileSync(file, names.map((z) => `- { zone: ${z}, name: ${z}, url: https://example.org/, lists: bench, scope: ip, ipv6: true, status: active, needsRegistration: false, refusesPublicResolvers: false, codes: [{ code: 127.0.0.2, meaning: listed, abuse: true }] }`).join('\n'));

const dns = await startLocalDns((name): Reply => {
  if (name.startsWith('2.0.0.127.')) return { a: ['127.0.0.2'] };
  if (name.startsWith('1.0.0.127.')) return { rcode: 3 };
  if (name.includes('.mute-')) return 'silent';
  return name.startsWith('7.') ? { a: ['127.0.0.2'] } : { rcode: 3 };
});
const ips = Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`.replace(/^10\./, '198.'));
const t0 = performance.now();
const { results, stats } = await checkDnsbl(ips, { resolver: dns.resolver, zones: names, timeoutMs: 2_000, concurrency: 32, zonesFile: file, breakerTimeouts: 8, budgetMs: 300_000 });
const ms = Math.round(performance.now() - t0);
await dns.close();
const by: Record<string, number> = {};
for (const r of [...results.values()].flat()) by[r.status] = (by[r.status] ?? 0) + 1;
const bound = dnsblRunBoundMs({ addresses: n, healthyZones: 4, silentZones: 4, timeoutMs: 2_000, concurrency: 32, breakerTimeouts: 8, answerMs: 50, budgetMs: 300_000 });
console.log(`${n} addresses × ${names.length} zones (4 silent after their probe): ${ms} ms; ${stats.queries} queries sent, ${stats.notChecked} not checked; outcomes ${JSON.stringify(by)}`);
console.log(`bound with 50 ms per real answer: ${bound} ms`);
