// MaxMind GeoLite2 City, Country and ASN databases configured by path, built here with a small
// writer of the MaxMind DB format (the real files need a licence key). Their records repeat what the
// bundled data says about real corpus addresses (Hetzner, Google, an Italian host), so nothing made up
// is attached to a real address.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { openGeo } from '../../src/enrich/open-geo.ts';
import { doctor } from '../../src/cli/doctor.ts';
import { validateConfig } from '../../src/config/load-config.ts';
import { attributionsFor } from '../../src/site/attribution.ts';
import { writeMmdb, type MmdbValue } from './write-mmdb.ts';

const BUILT = new Date(Date.UTC(2026, 10, 28, 6, 0, 0));
const place = (iso: string, country: string, city?: string, region?: string): Record<string, MmdbValue> => ({
  country: { iso_code: iso, names: { en: country, de: `${country} (de)` } },
  ...(city ? { city: { names: { en: city } } } : {}),
  ...(region ? { subdivisions: [{ iso_code: 'SN', names: { en: region } }] } : {}),
  location: { latitude: 50.47, longitude: 12.37, accuracy_radius: 200 },
});

let dir: string;
let files: { city: string; country: string; asn: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pillory-maxmind-'));
  const write = (name: string, type: string, networks: [string, Record<string, MmdbValue>][]) => {
    const file = join(dir, name);
    writeFileSync(file, writeMmdb({ databaseType: type, buildEpoch: BUILT, networks }));
    return file;
  };
  files = {
    city: write('GeoLite2-City.mmdb', 'GeoLite2-City', [
      ['144.76.0.0/16', place('DE', 'Germany', 'Falkenstein', 'Saxony')],
      ['66.249.64.0/19', place('US', 'United States', 'Mountain View', 'California')],
      ['2a01:4f8::/32', place('DE', 'Germany')],
      // a record with no country (MaxMind has such: anonymous or satellite ranges)
      ['195.250.34.0/24', { location: { accuracy_radius: 1000 } }],
    ]),
    country: write('GeoLite2-Country.mmdb', 'GeoLite2-Country', [
      ['195.250.34.0/24', { country: { iso_code: 'IT', names: { en: 'Italy' } } }],
    ]),
    asn: write('GeoLite2-ASN.mmdb', 'GeoLite2-ASN', [
      ['144.76.0.0/16', { autonomous_system_number: 24940, autonomous_system_organization: 'Hetzner Online GmbH' }],
      ['66.249.64.0/19', { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' }],
      ['2a01:4f8::/32', { autonomous_system_number: 24940, autonomous_system_organization: 'Hetzner Online GmbH' }],
    ]),
  };
});

describe('the test writer makes files the maxmind reader accepts', () => {
  it('reads back metadata and records, IPv4 under ::/96', () => {
    const r = new Reader(Buffer.from(writeMmdb({ databaseType: 'GeoLite2-ASN', buildEpoch: BUILT, networks: [
      ['144.76.0.0/16', { autonomous_system_number: 24940, autonomous_system_organization: 'Hetzner Online GmbH' }],
      ['144.76.194.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'A more specific block' }],
    ] })));
    expect(r.metadata).toMatchObject({ databaseType: 'GeoLite2-ASN', ipVersion: 6, recordSize: 24, binaryFormatMajorVersion: 2, languages: ['en'] });
    expect(r.metadata.buildEpoch.toISOString()).toBe('2026-11-28T06:00:00.000Z');
    expect(r.get('144.76.1.1')).toEqual({ autonomous_system_number: 24940, autonomous_system_organization: 'Hetzner Online GmbH' });
    expect(r.get('144.76.194.187')).toEqual({ autonomous_system_number: 64500, autonomous_system_organization: 'A more specific block' });
    expect(r.get('144.77.0.1')).toBeNull();
    expect(r.get('2a01:4f8::1')).toBeNull();
  });
});

describe('configured MaxMind City + Country + ASN', () => {
  it.each([
    // [address as logged, country, city, region, asn, org, network type]
    ['144.76.194.187', 'DE', 'Falkenstein', 'Saxony', 24940, 'Hetzner Online GmbH', 'hosting'],
    ['::ffff:144.76.194.187', 'DE', 'Falkenstein', 'Saxony', 24940, 'Hetzner Online GmbH', 'hosting'],
    ['066.249.073.135', null, null, null, null, null, 'unknown'],
    ['66.249.73.135', 'US', 'Mountain View', 'California', 15169, 'Google LLC', 'hosting'],
    ['2A01:4F8:0:0::1', 'DE', null, null, 24940, 'Hetzner Online GmbH', 'hosting'],
    // the City record has no country: the Country database fills it; no ASN record → unknown
    ['195.250.34.144', 'IT', null, null, null, null, 'unknown'],
    // in none of the three
    ['91.236.75.25', null, null, null, null, null, 'unknown'],
  ])('%s → %s %s %s AS%s %s %s', async (ip, country, city, region, asn, org, type) => {
    const geo = await openGeo(files);
    expect(geo.lookup(ip)).toMatchObject({ country, city, region, asn, org, networkType: type });
  });

  it('says which database and build answered each field', async () => {
    const geo = await openGeo(files);
    expect(geo.lookup('144.76.194.187').source).toBe('GeoLite2-City 2026-11-28 + GeoLite2-ASN 2026-11-28');
    expect(geo.lookup('195.250.34.144').source).toBe('GeoLite2-Country 2026-11-28');
    expect(geo.lookup('91.236.75.25').source).toBeNull();
    expect(geo.lookup('144.76.194.187').countryName).toBe('Germany');
  });

  it('names each database, its build date, record count and licence; pages get the GeoLite2 notice', async () => {
    const geo = await openGeo(files);
    const sources = geo.sources();
    expect(sources.map((s) => [s.kind, s.name, s.buildDate, s.licence])).toEqual([
      ['city', 'GeoLite2-City', '2026-11-28', 'GeoLite2 End User License Agreement'],
      ['country', 'GeoLite2-Country', '2026-11-28', 'GeoLite2 End User License Agreement'],
      ['asn', 'GeoLite2-ASN', '2026-11-28', 'GeoLite2 End User License Agreement'],
    ]);
    expect(sources.every((s) => typeof s.records === 'number' && s.records > 0)).toBe(true);
    const notices = attributionsFor(sources.map((s) => ({ ...s, buildDate: s.buildDate ?? '', records: s.records ?? 0 })));
    expect(notices).toEqual([{
      text: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com',
      href: 'https://www.maxmind.com', licence: 'GeoLite2 EULA',
      sources: ['GeoLite2-City, built 2026-11-28', 'GeoLite2-Country, built 2026-11-28', 'GeoLite2-ASN, built 2026-11-28'],
    }]);
  });

  it.each([
    ['10.1.2.3'], ['192.168.0.1'], ['100.64.0.1'], ['127.0.0.1'], ['203.0.113.7'], ['::1'], ['fe80::1'], ['2001:db8::1'], ['::ffff:10.1.2.3'],
  ])('reserved %s is not looked up', async (ip) => {
    const geo = await openGeo(files);
    expect(geo.lookup(ip)).toEqual({
      country: null, countryName: null, city: null, region: null, asn: null, org: null, networkType: 'unknown',
      networkReason: 'reserved, private or shared address: not looked up', source: null,
    });
  });

  it.each([['not an address'], ['<script>'], ['144.76.194.187.example'], ['144.76.194.187/16'], ['144.76.194.1877']])('a string that is not an address (%j) is never looked up', async (raw) => {
    const geo = await openGeo(files);
    expect(geo.lookup(raw)).toMatchObject({ country: null, asn: null, networkType: 'unknown', source: null });
  });

  it.each([['144.76.194.187:8080'], [' 144.76.194.187 '], ['[2a01:4f8::1]:443'], ['2a01:4f8::1%eth0']])('%j is looked up by its canonical address only', async (raw) => {
    const geo = await openGeo(files);
    expect(geo.lookup(raw).asn).toBe(24940);
  });

  it('refuses a database of the wrong type, naming the setting and the type', async () => {
    await expect(openGeo({ city: files.asn, asn: null })).rejects.toThrow(`geo.city ${files.asn} is a "GeoLite2-ASN" database; a City or Country database is needed`);
    await expect(openGeo({ city: null, asn: files.city })).rejects.toThrow(`geo.asn ${files.city} is a "GeoLite2-City" database; an ASN (or ISP) database is needed`);
    await expect(openGeo({ city: null, asn: null, country: files.asn })).rejects.toThrow(/geo\.country .* is a "GeoLite2-ASN" database/);
  });

  it('a file that is not a MaxMind database is a clear error', async () => {
    const bad = join(dir, 'junk.mmdb');
    writeFileSync(bad, 'not a database');
    await expect(openGeo({ city: bad, asn: null })).rejects.toThrow(/^cannot open the geo database .*junk\.mmdb/);
  });

  it('pillory doctor reports the three configured databases', async () => {
    const cfg = validateConfig({ logs: [files.city], offline: true, geo: files }, 'test');
    const lines: string[] = [];
    await doctor(cfg, (l) => lines.push(l), { now: () => Date.UTC(2026, 11, 3) });
    const dbLines = lines.filter((l) => /^ {2}✓ (city|country|asn):/.test(l));
    expect(dbLines.map((l) => l.replace(/[\d,]+ records/, 'N records'))).toEqual([
      '  ✓ city: GeoLite2-City, built 2026-11-28, N records, licence GeoLite2 End User License Agreement',
      '  ✓ country: GeoLite2-Country, built 2026-11-28, N records, licence GeoLite2 End User License Agreement',
      '  ✓ asn: GeoLite2-ASN, built 2026-11-28, N records, licence GeoLite2 End User License Agreement',
    ]);
  });
});
