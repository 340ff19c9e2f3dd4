// Ten well-known public addresses from the bundled demo logs (real Apache-2.0 corpus material), looked
// up in the bundled DB-IP Lite + ip-location-db ASN data exactly as a run does. This is the table of
// the closing note; `node scripts/network-table.mjs` prints it.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openGeo } from '../../src/enrich/open-geo.ts';

const TABLE = [
  // [address, country, asn, organisation, network type, what the address is in the log]
  ['50.16.19.13', 'US', 16509, 'Amazon.com, Inc.', 'hosting'], // Tiny Tiny RSS on EC2
  ['144.76.194.187', 'DE', 24940, 'Hetzner Online GmbH', 'hosting'], // WordPress/Joomla prober
  ['46.105.14.53', 'FR', 16276, 'OVH SAS', 'hosting'], // feed reader
  ['66.249.73.135', 'US', 15169, 'Google LLC', 'hosting'], // Googlebot
  ['65.55.213.73', 'US', 8075, 'Microsoft Corporation', 'hosting'], // msnbot
  ['24.11.96.184', 'US', 7922, 'Comcast Cable Communications, LLC', 'residential'], // Firefox on Ubuntu
  ['208.54.40.237', 'US', 21928, 'T-Mobile USA, Inc.', 'mobile'], // Chrome on an iPhone
  ['128.118.108.67', 'US', 3999, 'The Pennsylvania State University', 'education'], // a MacBook
  ['130.237.218.86', 'SE', 1653, 'Vetenskapsradet / SUNET', 'education'], // Chrome on a Mac
  ['195.250.34.144', 'IT', 31034, 'Aruba S.p.A.', 'hosting'], // WordPress/Joomla prober
] as const;

describe('well-known corpus addresses in the bundled databases', () => {
  it.each(TABLE)('%s → %s AS%i %s, %s', async (ip, country, asn, org, type) => {
    const geo = await openGeo({ city: null, asn: null });
    const g = geo.lookup(ip);
    expect({ country: g.country, asn: g.asn, org: g.org, type: g.networkType }).toEqual({ country, asn, org, type });
    // every type is backed by a stated reason naming the network
    expect(g.networkReason).toMatch(new RegExp(`^AS${asn} \\(`));
  });

  it('scripts/network-table.mjs prints the same table from a command', () => {
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/network-table.mjs', import.meta.url))], { encoding: 'utf8', timeout: 60_000 });
    const rows = out.split('\n').filter((l) => /^\| \d/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| /, '')));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual(TABLE.map(([ip, c, asn, org, t]) => [ip, c, `AS${asn}`, org, t]));
    expect(out).toMatch(/^city: DB-IP Lite City, built \d{4}-\d\d-\d\d \(CC-BY-4\.0\)$/m);
  }, 60_000);
});
