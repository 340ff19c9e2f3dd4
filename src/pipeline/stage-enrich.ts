import type { Db } from '../snapshot/working-copy.ts';
import type { GeoLookup } from '../enrich/open-geo.ts';
import type { DnsClient } from '../dns/dns-client.ts';
import { inPublishedRanges, type CrawlerDef } from '../detect/crawler-claim.ts';
import { verifyCrawler } from '../enrich/verify-crawler.ts';
import type { CrawlerCheck } from './publication.ts';
import { runLimited } from '../dnsbl/run-limited.ts';

/** Country, city, ASN and network type for the actors that got new requests. */
export function enrichActors(db: Db, actors: readonly string[], geo: GeoLookup): void {
  const up = db.prepare(`UPDATE actors SET country=?, country_name=?, region=?, city=?, asn=?, org=?, network_type=?, network_reason=?, geo_source=? WHERE key=?`);
  db.transaction(() => {
    for (const actor of actors) {
      const g = geo.lookup(actor.split('/')[0]!);
      up.run(g.country, g.countryName, g.region, g.city, g.asn, g.org, g.networkType, g.networkReason, g.source, actor);
    }
  })();
}

/**
 * Crawler claims: published ranges first (no network), then reverse+forward DNS when online, many
 * at once, so a dead resolver costs a few deadlines in total rather than one per claimer.
 */
export async function checkCrawlers(db: Db, defs: readonly CrawlerDef[], dns: DnsClient | null, concurrency = 16): Promise<void> {
  const rows = db.prepare(`SELECT key, crawler, crawler_check FROM actors WHERE crawler IS NOT NULL AND (crawler_check IS NULL OR crawler_check = 'unverified')`).all() as { key: string; crawler: string; crawler_check: string | null }[];
  const up = db.prepare(`UPDATE actors SET crawler_check = ? WHERE key = ?`);
  const checks = await runLimited(rows.map((r) => async (): Promise<CrawlerCheck | null> => {
    const def = defs.find((d) => d.name === r.crawler);
    if (!def) return null;
    const ip = r.key.split('/')[0]!;
    if (inPublishedRanges(ip, def)) return 'verified';
    if (dns && def.rdnsSuffixes.length) return verifyCrawler(ip, def.rdnsSuffixes, dns);
    return 'unverified';
  }), concurrency);
  db.transaction(() => {
    rows.forEach((r, i) => { if (checks[i]) up.run(checks[i], r.key); });
  })();
}

