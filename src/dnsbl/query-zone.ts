import { PilloryError } from '../core/errors.ts';
import type { Zone } from './zones.ts';

// Spamhaus' public mirrors refuse queries from public and commercial resolvers; the Data Query
// Service answers the same lists for a key, under <key>.<list>.dq.spamhaus.net.
const SPAMHAUS_PUBLIC = /^([a-z0-9-]+)\.spamhaus\.org$/;
const DQS_KEY = /^[a-z0-9]{16,64}$/;

/** Whether a DQS key looks like one (letters and digits); throws a PilloryError naming the field otherwise. */
export function checkDqsKey(key: string): string {
  const k = key.trim().toLowerCase();
  if (!DQS_KEY.test(k)) throw new PilloryError('CONFIG_DQS_KEY', 'dnsbl.spamhausDqsKey must be the 16–64 letters and digits of a Spamhaus DQS key');
  return k;
}

/** The DNS zone actually queried for a registry zone: the zone itself, or its DQS name when a key is set. */
export function queryZoneOf(zone: Zone, dqsKey?: string | null): string {
  const m = SPAMHAUS_PUBLIC.exec(zone.zone);
  if (!m || !dqsKey) return zone.zone;
  return `${checkDqsKey(dqsKey)}.${m[1]}.dq.spamhaus.net`;
}
