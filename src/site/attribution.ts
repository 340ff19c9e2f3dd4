// Licence notices the geo databases require. The link target is a constant: nothing from the snapshot
// ever becomes an href.
import type { GeoSource } from '../lib/snapshot-types.ts';

export interface Attribution {
  text: string;
  href: string;
  licence: string;
}

const DBIP: Attribution = { text: 'IP Geolocation by DB-IP', href: 'https://db-ip.com', licence: 'CC BY 4.0' };

export function attributionsFor(sources: readonly GeoSource[]): Attribution[] {
  const needsDbip = sources.some((s) => /db-?ip/i.test(`${s.name} ${s.attribution} ${s.url}`));
  return needsDbip ? [DBIP] : [];
}
