// Licence notices the geo databases require, and which database build a page was made from. Link
// targets are constants chosen by the kind of database: nothing from the snapshot ever becomes an href.
import type { GeoSource } from '../lib/snapshot-types.ts';

export interface Attribution {
  text: string;
  href: string;
  licence: string;
  /** The databases this notice covers, with their build dates ("DB-IP Lite City, built 2026-06-05"). */
  sources: string[];
}

type Notice = Omit<Attribution, 'sources'>;

const DBIP: Notice = { text: 'IP Geolocation by DB-IP', href: 'https://db-ip.com', licence: 'CC BY 4.0' };
// GeoLite2 EULA §3: this exact sentence wherever the data is shown
const GEOLITE: Notice = {
  text: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com',
  href: 'https://www.maxmind.com', licence: 'GeoLite2 EULA',
};
const GEOIP2: Notice = { text: 'IP geolocation by MaxMind GeoIP2', href: 'https://www.maxmind.com', licence: 'MaxMind GeoIP2 licence' };
const IPLOCDB: Notice = {
  text: 'ASN data by RouteViews, NRO and DB-IP, compiled by ip-location-db', href: 'https://github.com/sapics/ip-location-db', licence: 'CC BY 4.0',
};

function noticeFor(s: GeoSource): Notice | null {
  const text = `${s.name} ${s.attribution} ${s.url}`;
  if (/geolite/i.test(text)) return GEOLITE;
  if (/geoip2|maxmind/i.test(text)) return GEOIP2;
  if (/ip-location-db/i.test(text) && s.kind === 'asn') return IPLOCDB;
  if (/db-?ip/i.test(text)) return DBIP;
  return null;
}

function described(s: GeoSource): string {
  const name = String(s.name ?? '').slice(0, 120);
  const built = typeof s.buildDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.buildDate) ? s.buildDate : null;
  return `${name}${built ? `, built ${built}` : ', build date unknown'}`;
}

export function attributionsFor(sources: readonly GeoSource[]): Attribution[] {
  const out = new Map<string, Attribution>();
  for (const s of sources) {
    const n = noticeFor(s);
    if (!n) continue;
    const a = out.get(n.text) ?? { ...n, sources: [] };
    a.sources.push(described(s));
    out.set(n.text, a);
  }
  return [...out.values()];
}
