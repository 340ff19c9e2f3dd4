import type { Config } from '../config/schema.ts';
import { PilloryError } from '../core/errors.ts';
import { createDnsClient, type DnsClient } from '../dns/dns-client.ts';
import { resolveResolver } from '../dns/resolver-address.ts';
import { probeZones } from '../dnsbl/check-dnsbl.ts';
import { dnsblRunBoundMs } from '../dnsbl/run-bound.ts';
import { loadZones, selectZones } from '../dnsbl/zones.ts';
import { openGeo } from '../enrich/open-geo.ts';
import { readTorExitList } from '../enrich/tor-exit-list.ts';
import { expandLogPaths } from '../ingest/ingest-files.ts';
import { loadBootstrap } from '../rdap/bootstrap.ts';

export interface DoctorDeps {
  /** DNS client for the zone probes (default: one on the configured or system resolver). */
  dns?: DnsClient;
  now?: () => number;
}

const DAY = 86_400_000;

function why(e: unknown): string {
  return e instanceof PilloryError ? e.message : String((e as Error)?.message ?? e);
}

/**
 * `pillory doctor`: inputs, databases (type, build date, records, licence), the resolver and each
 * DNSBL zone's health, the RDAP registry map. Says what is wrong; exit code 0 when nothing is, 1 otherwise.
 */
export async function doctor(cfg: Config, out: (line: string) => void, deps: DoctorDeps = {}): Promise<number> {
  const problems: string[] = [];
  const now = (deps.now ?? Date.now)();
  const bad = (line: string) => { problems.push(line); out(`  ✗ ${line}`); };

  out('inputs');
  try {
    const files = await expandLogPaths(cfg.logs);
    if (files.length === 0) bad(cfg.logs.length ? `no file matches ${cfg.logs.join(', ')}` : 'no logs configured');
    else out(`  ✓ ${files.length} log file(s) match`);
  } catch (e) {
    bad(why(e));
  }

  out('databases');
  try {
    const geo = await openGeo({ city: cfg.geo.city, asn: cfg.geo.asn, country: cfg.geo.country });
    geo.loadAll();
    for (const s of geo.sources()) {
      const records = s.records === null ? 'record count unknown' : `${s.records.toLocaleString('en')} records`;
      out(`  ✓ ${s.kind}: ${s.name}, built ${s.buildDate ?? 'on an unknown date'}, ${records}, licence ${s.licence}`);
      if (s.buildDate && now - Date.parse(s.buildDate) > 120 * DAY) out(`    ! ${s.name} is more than 120 days old: update it`);
    }
  } catch (e) {
    bad(why(e));
  }
  if (cfg.geo.torExitList) {
    try {
      const tor = readTorExitList(cfg.geo.torExitList);
      if (tor.addresses.size === 0) bad(`Tor exit list ${cfg.geo.torExitList} holds no address`);
      else out(`  ✓ Tor exit list: ${tor.addresses.size} addresses, file of ${tor.fileDate}`);
      if (now - Date.parse(tor.fileDate) > 2 * DAY) out(`    ! the Tor exit list is from ${tor.fileDate}; exits change daily: download it before each run`);
    } catch (e) {
      bad(why(e));
    }
  } else {
    out('  - Tor exit list: not configured (geo.torExitList); Tor exits are not recognised');
  }

  out('DNS blocklists');
  let zones;
  try {
    zones = selectZones(cfg.dnsbl.zones, loadZones());
  } catch (e) {
    bad(why(e));
  }
  if (zones && cfg.offline) {
    out(`  - offline: ${zones.length} zone(s) configured, not checked`);
  } else if (zones) {
    try {
      const server = resolveResolver(cfg.resolver);
      out(`  resolver ${server.host}:${server.port} (${cfg.resolver ? 'configured' : 'from /etc/resolv.conf'})`);
      const dns = deps.dns ?? createDnsClient({ resolver: cfg.resolver, timeoutMs: cfg.dnsbl.timeoutMs }, server);
      const health = await probeZones(zones, dns, { timeoutMs: cfg.dnsbl.timeoutMs, concurrency: cfg.dnsbl.concurrency, spamhausDqsKey: cfg.dnsbl.spamhausDqsKey });
      for (const h of health) {
        if (h.ok) out(`  ✓ ${h.zone}: ${h.detail}`);
        else bad(`${h.zone}: ${h.detail}`);
      }
      const ok = health.filter((h) => h.ok).length;
      // one zone gone is news; all of them at once is the resolver (a filtered or offline network)
      if (health.length > 1 && health.every((h) => h.detail.startsWith('test point 127.0.0.2 is not listed'))) {
        out(`    ! no zone lists its test point 127.0.0.2: ${server.host} probably cannot reach the blocklists (filtered or offline network); nightly runs will show every list as "not checked"`);
      }
      const bound = dnsblRunBoundMs({
        addresses: 10_000, healthyZones: ok, silentZones: zones.length - ok, timeoutMs: cfg.dnsbl.timeoutMs, concurrency: cfg.dnsbl.concurrency,
        breakerTimeouts: cfg.dnsbl.breakerTimeouts, answerMs: 50, budgetMs: cfg.dnsbl.budgetSeconds * 1000,
      });
      out(`  worst case for 10,000 new addresses (50 ms per answer, failing zones silent): ${Math.ceil(bound / 1000)} s`);
    } catch (e) {
      bad(why(e));
    }
  }

  out('abuse contacts (RDAP)');
  if (!cfg.rdap.enabled || cfg.offline) {
    out(`  - ${cfg.offline ? 'offline' : 'disabled'}: no lookups`);
  } else {
    try {
      const b = loadBootstrap(cfg.rdap.bootstrapFile ?? undefined);
      out(`  ✓ registry map with ${b.allowedOrigins.size} RDAP servers: ${[...b.allowedOrigins].map((o) => new URL(o).host).join(', ')}`);
    } catch (e) {
      bad(why(e));
    }
  }

  out(problems.length ? `${problems.length} problem(s) found` : 'no problems found');
  return problems.length ? 1 : 0;
}
