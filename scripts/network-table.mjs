#!/usr/bin/env node
// Prints country, ASN, organisation and network type (with its reason) for addresses, exactly as
// Pillory's enrichment reports them, from the databases it would use (the bundled DB-IP Lite and
// ip-location-db ASN data unless a config names MaxMind files). With no addresses, ten well-known
// public ones from the bundled demo logs.
//   node scripts/network-table.mjs [--config FILE] [ADDRESS…]
import { register } from 'tsx/esm/api';

register();
const { parseArgs } = await import('node:util');
const { loadConfigFile, validateConfig } = await import('../src/config/load-config.ts');
const { openGeo } = await import('../src/enrich/open-geo.ts');

// From data/demo (real Apache-2.0 logs): a spread of network kinds, not a sample of offenders.
const DEMO_ADDRESSES = [
  '50.16.19.13', // Amazon EC2
  '144.76.194.187', // Hetzner (a WordPress/Joomla prober in the demo)
  '46.105.14.53', // OVH
  '66.249.73.135', // Googlebot
  '65.55.213.73', // Microsoft (bingbot's network)
  '24.11.96.184', // Comcast
  '208.54.40.237', // T-Mobile USA
  '128.118.108.67', // Penn State
  '130.237.218.86', // SUNET (KTH)
  '195.250.34.144', // Aruba (a prober in the demo)
];

const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' } }, allowPositionals: true });
const cfg = values.config ? loadConfigFile(values.config) : validateConfig({}, 'defaults');
const geo = await openGeo({ city: cfg.geo.city, asn: cfg.geo.asn, country: cfg.geo.country, torExitList: cfg.geo.torExitList });
const rows = (positionals.length ? positionals : DEMO_ADDRESSES).map((ip) => {
  const g = geo.lookup(ip);
  return [ip, g.country ?? 'unknown', g.asn === null ? 'unknown' : `AS${g.asn}`, g.org ?? 'unknown', g.networkType, g.networkReason ?? ''];
});
const head = ['address', 'country', 'ASN', 'organisation', 'network type', 'reason'];
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(head));
console.log(line(head.map(() => '---')));
for (const r of rows) console.log(line(r));
console.log('');
for (const s of geo.sources()) console.log(`${s.kind}: ${s.name}, built ${s.buildDate ?? 'unknown'} (${s.licence})`);
