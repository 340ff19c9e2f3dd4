import type { Db } from '../snapshot/working-copy.ts';
import type { Config } from '../config/schema.ts';
import type { DnsClient } from '../dns/dns-client.ts';
import { checkDnsbl } from '../dnsbl/check-dnsbl.ts';
import { loadZones, selectZones, type Zone } from '../dnsbl/zones.ts';
import { setMeta } from '../snapshot/working-copy.ts';

const HOUR = 3_600_000;

/** How long a zone's listed / not-listed answer stays fresh: config per zone, else the registry's, else the config default. */
export function zoneTtlMs(zone: Zone, cfg: Config['dnsbl']): number {
  const hours = cfg.zoneOptions[zone.zone]?.ttlHours ?? zone.ttlHours ?? cfg.ttlHours;
  return Math.round(hours * HOUR);
}

interface CachedRow { actor: string; zone: string; status: string; checked_at: number }

/** Errors and skips are always asked again; answers only once their zone's TTL has passed. */
export function isFresh(row: CachedRow | undefined, ttlMs: number, now: number): boolean {
  if (!row || (row.status !== 'listed' && row.status !== 'not_listed')) return false;
  return now - row.checked_at < ttlMs && row.checked_at <= now;
}

/**
 * DNSBL outcomes for published actors (an IPv6 network by the address seen most in it). Only
 * pairs whose cached result is missing, failed or older than the zone's TTL are queried; rows of
 * zones no longer configured are dropped. Returns counts by status, plus `cached` (reused results).
 */
export async function dnsblStage(
  db: Db, cfg: Config, dns: DnsClient, opts: { now?: () => number; zonesFile?: string; warn?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const now = opts.now ?? Date.now;
  const zones = selectZones(cfg.dnsbl.zones, loadZones(opts.zonesFile));
  const ttl = new Map(zones.map((z) => [z.zone, zoneTtlMs(z, cfg.dnsbl)]));
  const keys = db.prepare(`SELECT key FROM actors WHERE published = 1 ORDER BY key`).pluck().all() as string[];
  // an IPv6 network is asked about its busiest address seen: lists name addresses, and the network's
  // first address (…::) is one nobody uses
  const seen = db.prepare(`SELECT ip FROM actor_ips WHERE actor = ? ORDER BY requests DESC, ip LIMIT 1`).pluck();
  const keyOf = new Map(keys.map((k) => [k.includes('/') ? ((seen.get(k) as string | undefined) ?? k.split('/')[0]!) : k, k] as const));
  const cached = new Map<string, CachedRow>();
  for (const r of db.prepare(`SELECT d.actor, d.zone, d.status, d.checked_at FROM dnsbl d JOIN actors a ON a.key = d.actor WHERE a.published = 1`).iterate() as Iterable<CachedRow>) {
    cached.set(`${r.actor} ${r.zone}`, r);
  }
  const t = now();
  const { results, health, stats } = await checkDnsbl([...keyOf.keys()], {
    resolver: cfg.resolver, zones: cfg.dnsbl.zones, timeoutMs: cfg.dnsbl.timeoutMs, concurrency: cfg.dnsbl.concurrency,
    now, zonesFile: opts.zonesFile, budgetMs: cfg.dnsbl.budgetSeconds * 1000, breakerTimeouts: cfg.dnsbl.breakerTimeouts, spamhausDqsKey: cfg.dnsbl.spamhausDqsKey,
    isDue: (ip, zone) => !isFresh(cached.get(`${keyOf.get(ip) ?? ip} ${zone}`), ttl.get(zone) ?? 0, t),
  }, dns);
  // `since` moves only when the outcome does: a re-check that finds the same answer changes no page
  const up = db.prepare(`INSERT INTO dnsbl(actor, zone, status, meaning, codes, abuse, checked_at, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(actor, zone) DO UPDATE SET
      since = CASE WHEN dnsbl.status = excluded.status AND dnsbl.codes = excluded.codes AND dnsbl.meaning = excluded.meaning
        THEN coalesce(dnsbl.since, dnsbl.checked_at) ELSE excluded.checked_at END,
      status=excluded.status, meaning=excluded.meaning, codes=excluded.codes, abuse=excluded.abuse, checked_at=excluded.checked_at`);
  const counts: Record<string, number> = {};
  db.transaction(() => {
    const names = zones.map((z) => z.zone);
    db.prepare(`DELETE FROM dnsbl WHERE zone NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify(names));
    for (const [ip, list] of results) {
      for (const r of list) {
        up.run(keyOf.get(ip) ?? ip, r.zone, r.status, r.meaning, r.codes, r.abuse ? 1 : 0, r.checkedAt, r.checkedAt);
        counts[r.status] = (counts[r.status] ?? 0) + 1;
      }
    }
    if (stats.fresh) counts.cached = stats.fresh;
    setMeta(db, { zone_health: JSON.stringify(health) });
    recordDnsblCorroboration(db, cfg.dnsbl);
  })();
  // a zone that cannot be used makes every result of its an error: the operator must hear of it
  for (const h of health) if (!h.ok) opts.warn?.(`DNSBL zone ${h.zone} unusable this run: ${h.detail}`);
  return counts;
}

/**
 * Corroboration from blocklists: `pointsPerListing` for each zone that lists the actor for abuse
 * (per-address scope, a code marked abuse: policy lists such as PBL and range/ASN-wide lists add
 * nothing), capped at `maxPoints`. Written to actors.dnsbl_points / dnsbl_reason for the score.
 */
export function recordDnsblCorroboration(db: Db, cfg: Pick<Config['dnsbl'], 'pointsPerListing' | 'maxPoints'>): void {
  db.prepare(`UPDATE actors SET dnsbl_points = 0, dnsbl_reason = NULL WHERE dnsbl_points <> 0 OR dnsbl_reason IS NOT NULL`).run();
  const rows = db.prepare(`SELECT actor, zone, meaning FROM dnsbl WHERE status = 'listed' AND abuse = 1 ORDER BY actor, zone`).all() as { actor: string; zone: string; meaning: string }[];
  const byActor = new Map<string, string[]>();
  for (const r of rows) {
    const list = byActor.get(r.actor) ?? [];
    list.push(`${r.zone} (${r.meaning})`);
    byActor.set(r.actor, list);
  }
  const up = db.prepare(`UPDATE actors SET dnsbl_points = ?, dnsbl_reason = ? WHERE key = ?`);
  for (const [actor, zones] of byActor) {
    const points = Math.min(cfg.maxPoints, zones.length * cfg.pointsPerListing);
    if (points > 0) up.run(points, `listed for abuse by ${zones.join(', ')}`, actor);
  }
}
