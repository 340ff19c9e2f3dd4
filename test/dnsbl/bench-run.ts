// Benchmark, not a test: `npm run bench:dnsbl [-- addresses [scenario]]`. A whole DNSBL run with the
// default settings (2 s deadline, 32 in flight, one retry after a backoff, breaker after 8
// timeouts, 300 s budget) against a DNS server on 127.0.0.1, 8 zones of which half misbehave:
//   silent  (default) the bad half pass their RFC 5782 health probe, then never answer again
//   dead    the bad half never answer at all, not even the probe
//   flaky   the bad half drop one query in three (the breaker never trips; the budget caps the run)
//   all     the three above, one after another
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDnsbl } from '../../src/dnsbl/check-dnsbl.ts';
import { dnsblRunBoundMs } from '../../src/dnsbl/run-bound.ts';
import { startLocalDns, type Reply } from '../dns/local-dns-server.ts';

type Scenario = 'silent' | 'dead' | 'flaky';
const n = Number(process.argv[2] ?? 10_000);
const pick = (process.argv[3] ?? 'silent') as Scenario | 'all';
const scenarios: Scenario[] = pick === 'all' ? ['silent', 'dead', 'flaky'] : [pick];

const names = ['a', 'b', 'c', 'd'].flatMap((x) => [`ok-${x}.test`, `bad-${x}.test`]);
const dir = mkdtempSync(join(tmpdir(), 'pillory-bench-'));
const file = join(dir, 'zones.yaml');
writeFileSync(file, names.map((z) => `- { zone: ${z}, name: ${z}, url: https://example.org/, lists: bench, scope: ip, ipv6: true, status: active, needsRegistration: false, refusesPublicResolvers: false, codes: [{ code: 127.0.0.2, meaning: listed, abuse: true }] }`).join('\n'));

let scenario: Scenario = 'silent';
let seen = 0;
const dns = await startLocalDns((name): Reply => {
  const bad = name.includes('.bad-');
  const probe = name.startsWith('2.0.0.127.') || name.startsWith('1.0.0.127.');
  if (bad && scenario === 'dead') return 'silent';
  if (bad && scenario === 'silent' && !probe) return 'silent';
  if (bad && scenario === 'flaky' && !probe && ++seen % 3 === 0) return 'silent';
  if (name.startsWith('2.0.0.127.')) return { a: ['127.0.0.2'] };
  if (name.startsWith('1.0.0.127.')) return { rcode: 3 };
  return name.startsWith('7.') ? { a: ['127.0.0.2'] } : { rcode: 3 };
});
// public-looking addresses outside the reserved ranges (198.0.0.0/16 is ordinary unicast space)
const ips = Array.from({ length: n }, (_, i) => `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
const settings = { timeoutMs: 2_000, concurrency: 32, breakerTimeouts: 8, budgetMs: 300_000 };

for (const s of scenarios) {
  scenario = s;
  seen = 0;
  const t0 = performance.now();
  const { results, stats, health } = await checkDnsbl(ips, { resolver: dns.resolver, zones: names, zonesFile: file, ...settings });
  const ms = Math.round(performance.now() - t0);
  const by: Record<string, number> = {};
  for (const r of [...results.values()].flat()) by[r.status] = (by[r.status] ?? 0) + 1;
  const healthy = health.filter((h) => h.ok).length;
  console.log(`${s}: ${n} addresses × ${names.length} zones: ${(ms / 1000).toFixed(1)} s; ${stats.queries} queries sent, ${stats.notChecked} not checked; ` +
    `zones healthy at the end ${healthy}/${names.length}; outcomes ${JSON.stringify(by)}`);
}
await dns.close();
const bound = dnsblRunBoundMs({ addresses: n, healthyZones: 4, silentZones: 4, answerMs: 50, ...settings });
console.log(`bound for the silent case with 50 ms per real answer (what pillory doctor prints): ${(bound / 1000).toFixed(1)} s; budget ${settings.budgetMs / 1000} s`);
