import { canonicalIp, ipFamily } from '../core/ip.ts';
import type { NetworkType } from '../core/types.ts';
import { defaultNetworkData, type NetworkData, type RangeEntry } from './network-data.ts';

const MAX_ORG_LEN = 200;

/** Organisation name as space-separated lower-case ASCII words, for whole-word hint matching. */
function words(org: string): string {
  const plain = org.slice(0, MAX_ORG_LEN).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return ` ${plain.replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

/**
 * What kind of network an address is on, decided from data/networks only: a listed address
 * (Tor exits), a published range, a listed ASN, then a conservative organisation-name hint. Nothing found → unknown
 * (never residential by default). The reason is shown on the page.
 */
export function classifyNetwork(
  asn: number | null,
  org: string | null,
  ip: string,
  data: NetworkData = defaultNetworkData(),
): { type: NetworkType; reason: string | null } {
  const canonical = canonicalIp(ip);
  const byAddress = canonical ? data.byAddress.get(canonical) : undefined;
  if (byAddress) return { type: byAddress.type, reason: `${canonical} is ${byAddress.what}` };

  if (canonical) {
    const fam = ipFamily(canonical) === 4 ? 'ipv4' : 'ipv6';
    let best: RangeEntry | null = null;
    for (const r of data.ranges) if ((!best || r.bits > best.bits) && r.list.check(canonical, fam)) best = r;
    if (best) return { type: best.type, reason: `${canonical} is in ${best.cidr}, published by ${best.name}: ${best.what}` };
  }

  const label = org && org.trim() ? org.trim().slice(0, MAX_ORG_LEN) : null;
  if (asn !== null) {
    const entry = data.byAsn.get(asn);
    if (entry) return { type: entry.type, reason: `AS${asn} (${label ?? entry.name}) is ${entry.what}` };
  }
  if (label) {
    const w = words(label);
    const hint = data.hints.find((h) => w.includes(` ${h.phrase} `));
    if (hint) {
      const who = asn !== null ? `AS${asn} (${label})` : label;
      return { type: hint.type, reason: `${who}: the name contains "${hint.phrase}", which suggests ${hint.what}` };
    }
  }
  return { type: 'unknown', reason: null };
}
