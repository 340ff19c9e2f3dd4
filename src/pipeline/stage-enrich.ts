import type { Db } from '../snapshot/working-copy.ts';
import type { GeoLookup } from '../enrich/open-geo.ts';
import type { DnsClient } from '../dns/dns-client.ts';
import { inPublishedRanges, type CrawlerDef } from '../detect/crawler-claim.ts';
import { verifyCrawler } from '../enrich/verify-crawler.ts';
import type { CrawlerCheck } from './publication.ts';
import { runLimited } from '../dnsbl/run-limited.ts';
import { loadScanners, scannerByRange, type ScannerDef } from '../detect/research-scanner.ts';

/**
 * Country, city, ASN and network type for the actors that got new requests and for every published
 * one: a lookup costs microseconds, and a new database build or Tor exit list must reach old pages
 * too. Each actor is looked up by its canonical address (an IPv6 network by its first address).
 */
export function enrichActors(db: Db, actors: readonly string[], geo: GeoLookup): void {
  const up = db.prepare(`UPDATE actors SET country=?, country_name=?, region=?, city=?, asn=?, org=?, network_type=?, network_reason=?, geo_source=? WHERE key=?`);
  const published = db.prepare(`SELECT key FROM actors WHERE published = 1`).pluck().all() as string[];
  db.transaction(() => {
    for (const actor of new Set([...actors, ...published])) {
      const g = geo.lookup(actor.split('/')[0]!);
      up.run(g.country, g.countryName, g.region, g.city, g.asn, g.org, g.networkType, g.networkReason, g.source, actor);
    }
  })();
}

/**
 * Crawler claims: published ranges first (no network), then reverse+forward DNS when online, many
 * at once, so a dead resolver costs a few deadlines in total rather than one per claimer. Then research
 * scanners (data/scanners/): by published ranges, and by forward-confirmed reverse DNS for actors with
 * a score worth publishing. IPv6 actors are checked on an address actually seen inside the network.
 */
export async function checkCrawlers(db: Db, defs: readonly CrawlerDef[], dns: DnsClient | null, concurrency = 16,
  scanners: readonly ScannerDef[] = loadScanners()): Promise<void> {
  const seenIp = db.prepare(`SELECT ip FROM actor_ips WHERE actor = ? ORDER BY requests DESC, ip LIMIT 1`).pluck();
  const ipOf = (key: string): string => (seenIp.get(key) as string | undefined) ?? key.split('/')[0]!;
  const rows = db.prepare(`SELECT key, crawler, crawler_check FROM actors WHERE crawler IS NOT NULL AND (crawler_check IS NULL OR crawler_check = 'unverified')`).all() as { key: string; crawler: string; crawler_check: string | null }[];
  const up = db.prepare(`UPDATE actors SET crawler_check = ? WHERE key = ?`);
  const checks = await runLimited(rows.map((r) => async (): Promise<CrawlerCheck | null> => {
    const def = defs.find((d) => d.name === r.crawler);
    if (!def) return null;
    const ip = ipOf(r.key);
    if (inPublishedRanges(ip, def)) return 'verified';
    if (dns && def.rdnsSuffixes.length) return verifyCrawler(ip, def.rdnsSuffixes, dns);
    return 'unverified';
  }), concurrency);
  db.transaction(() => {
    rows.forEach((r, i) => { if (checks[i]) up.run(checks[i], r.key); });
  })();
  if (scanners.length === 0) return;

  const cand = db.prepare(`SELECT key, raw_score FROM actors WHERE scanner IS NULL AND raw_score > 0 ORDER BY raw_score DESC, key`).all() as { key: string; raw_score: number }[];
  const upScanner = db.prepare(`UPDATE actors SET scanner = ? WHERE key = ?`);
  // reverse DNS only where it matters (actors that could be published), within a lookup budget, and
  // not at all once the resolver has failed a few times: a dead resolver must not stall the run
  let lookups = 0;
  let failures = 0;
  const found = await runLimited(cand.map((c) => async (): Promise<string | null> => {
    const ip = ipOf(c.key);
    const byRange = scannerByRange(ip, scanners);
    if (byRange) return byRange.name;
    if (!dns || c.raw_score < SCANNER_RDNS_MIN_SCORE || lookups >= SCANNER_RDNS_BUDGET || failures >= SCANNER_RDNS_MAX_FAILURES) return null;
    lookups++;
    const r = await scannerByReverseDns(ip, scanners, dns);
    if (r === 'error') { failures++; return null; }
    return r;
  }), concurrency);
  db.transaction(() => {
    cand.forEach((c, i) => { if (found[i]) upScanner.run(found[i], c.key); });
  })();
}

const SCANNER_RDNS_MIN_SCORE = 40;
const SCANNER_RDNS_BUDGET = 500;
const SCANNER_RDNS_MAX_FAILURES = 8;

/** The scanner whose reverse-DNS suffix the address's PTR name carries, confirmed forward; else null. */
async function scannerByReverseDns(ip: string, scanners: readonly ScannerDef[], dns: DnsClient): Promise<string | null | 'error'> {
  const withDns = scanners.filter((s) => s.rdnsSuffixes.length > 0);
  if (withDns.length === 0) return null;
  const ptr = await dns.queryPTR(ip);
  if ('error' in ptr) return 'error';
  if (ptr.rcode !== 'NOERROR') return null;
  const names = ptr.answers.map((n) => n.toLowerCase().replace(/\.$/, '')).filter((n) => n.length <= 254);
  const def = withDns.find((s) => s.rdnsSuffixes.some((suf) => names.some((n) => n === suf || n.endsWith(`.${suf}`))));
  if (!def) return null;
  return (await verifyCrawler(ip, def.rdnsSuffixes, dns)) === 'verified' ? def.name : null;
}
