import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { DnsClient } from '../dns/dns-client.ts';
import { checkDnsbl } from '../dnsbl/check-dnsbl.ts';
import { setMeta } from '../snapshot/working-copy.ts';

/** DNSBL outcomes for published actors (IPv6 networks are queried by their network address). Returns counts by status. */
export async function dnsblStage(db: Db, cfg: Config, dns: DnsClient): Promise<Record<string, number>> {
  const keys = db.prepare(`SELECT key FROM actors WHERE published = 1 ORDER BY key`).pluck().all() as string[];
  const keyOf = new Map(keys.map((k) => [k.split('/')[0]!, k] as const));
  const { results, health } = await checkDnsbl([...keyOf.keys()], {
    resolver: cfg.resolver, zones: cfg.dnsbl.zones, timeoutMs: cfg.dnsbl.timeoutMs, concurrency: cfg.dnsbl.concurrency,
  }, dns);
  const up = db.prepare(`INSERT INTO dnsbl(actor, zone, status, meaning, codes, abuse, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(actor, zone) DO UPDATE SET status=excluded.status, meaning=excluded.meaning, codes=excluded.codes, abuse=excluded.abuse, checked_at=excluded.checked_at`);
  const counts: Record<string, number> = {};
  db.transaction(() => {
    for (const [ip, list] of results) {
      for (const r of list) {
        up.run(keyOf.get(ip) ?? ip, r.zone, r.status, r.meaning, r.codes, r.abuse ? 1 : 0, r.checkedAt);
        counts[r.status] = (counts[r.status] ?? 0) + 1;
      }
    }
    setMeta(db, { zone_health: JSON.stringify(health) });
  })();
  return counts;
}
