import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkData } from '../../src/enrich/network-data.ts';
import { classifyNetwork } from '../../src/enrich/network-type.ts';

describe('classifyNetwork: well-known networks from data/networks', () => {
  it.each([
    [16509, 'Amazon.com, Inc.', 'hosting', 'AS16509 (Amazon.com, Inc.) is a cloud provider'],
    [14061, 'DigitalOcean, LLC', 'hosting', 'AS14061 (DigitalOcean, LLC) is a cloud provider'],
    [24940, 'Hetzner Online GmbH', 'hosting', 'AS24940 (Hetzner Online GmbH) is a cloud or hosting provider'],
    [16276, 'OVH SAS', 'hosting', 'AS16276 (OVH SAS) is a cloud or hosting provider'],
    [8075, 'Microsoft Corporation', 'hosting', "AS8075 (Microsoft Corporation) is Microsoft's own network (Azure cloud, Bing's crawler and its services)"],
    [15169, 'Google LLC', 'hosting', "AS15169 (Google LLC) is Google's own network (its crawlers and services, and some Google Cloud)"],
    [396982, 'Google LLC', 'hosting', 'AS396982 (Google LLC) is a cloud provider'],
    [20473, 'The Constant Company, LLC', 'hosting', 'AS20473 (The Constant Company, LLC) is a cloud provider'],
    [63949, 'Akamai Connected Cloud', 'hosting', 'AS63949 (Akamai Connected Cloud) is a cloud provider'],
    [13335, 'Cloudflare, Inc.', 'cdn-proxy-vpn', 'AS13335 (Cloudflare, Inc.) is a CDN and proxy network'],
    [1103, 'SURF B.V.', 'education', 'AS1103 (SURF B.V.) is an education or research network'],
    [2200, 'Renater', 'education', 'AS2200 (Renater) is an education or research network'],
    [786, 'Jisc Services Limited', 'education', 'AS786 (Jisc Services Limited) is an education or research network'],
    [21928, 'T-Mobile USA, Inc.', 'mobile', 'AS21928 (T-Mobile USA, Inc.) is a mobile carrier (addresses are shared by many subscribers through carrier NAT)'],
    [7922, 'Comcast Cable Communications, LLC', 'residential', 'AS7922 (Comcast Cable Communications, LLC) is a residential (consumer) internet provider'],
    // the rest of the table: every type, the big clouds, CDNs, crawler networks, carriers and universities
    [31898, 'Oracle Corporation', 'hosting', 'AS31898 (Oracle Corporation) is a cloud provider'],
    [54113, 'Fastly, Inc.', 'cdn-proxy-vpn', 'AS54113 (Fastly, Inc.) is a CDN'],
    [20940, 'Akamai International B.V.', 'cdn-proxy-vpn', 'AS20940 (Akamai International B.V.) is a CDN'],
    [209242, 'Cloudflare London, LLC', 'cdn-proxy-vpn', 'AS209242 (Cloudflare London, LLC) is a VPN egress network'],
    [27323, 'Wowrack.com', 'hosting', 'AS27323 (Wowrack.com) is a cloud or hosting provider'],
    [54290, 'HostPapa', 'hosting', 'AS54290 (HostPapa) is a cloud or hosting provider'],
    [55967, 'Beijing Baidu Netcom Science and Technology Co., Ltd.', 'hosting', "AS55967 (Beijing Baidu Netcom Science and Technology Co., Ltd.) is Baidu's own network (its crawlers and services)"],
    [36647, 'Oath Holdings Inc.', 'hosting', "AS36647 (Oath Holdings Inc.) is Yahoo's own network (its crawlers and services)"],
    [3, 'Massachusetts Institute of Technology', 'education', 'AS3 (Massachusetts Institute of Technology) is an education or research network'],
    [1653, 'Vetenskapsradet / SUNET', 'education', 'AS1653 (Vetenskapsradet / SUNET) is an education or research network'],
    [11537, 'Internet2', 'education', 'AS11537 (Internet2) is an education or research network'],
    [3999, 'The Pennsylvania State University', 'education', 'AS3999 (The Pennsylvania State University): the name contains "university", which suggests an education or research network'],
    [55836, 'Reliance Jio Infocomm Limited', 'mobile', 'AS55836 (Reliance Jio Infocomm Limited) is a mobile carrier (addresses are shared by many subscribers through carrier NAT)'],
    [133612, 'Vodafone Australia Pty Ltd', 'mobile', 'AS133612 (Vodafone Australia Pty Ltd) is a mobile carrier (addresses are shared by many subscribers through carrier NAT)'],
    [20057, 'AT&T Enterprises, LLC', 'mobile', 'AS20057 (AT&T Enterprises, LLC) is a mobile carrier (addresses are shared by many subscribers through carrier NAT)'],
    [3320, 'Deutsche Telekom AG', 'residential', 'AS3320 (Deutsche Telekom AG) is a residential (consumer) internet provider'],
    [6327, 'Shaw Communications', 'residential', 'AS6327 (Shaw Communications) is a residential (consumer) internet provider'],
    // carriers mixing business, hosting, mobile and consumer lines in one ASN: no type is claimed
    [4755, 'Tata Communications Limited', 'unknown', null],
    [15557, 'Societe Francaise Du Radiotelephone - SFR SA', 'unknown', null],
    [4134, 'Chinanet', 'unknown', null],
  ])('AS%i %s → %s', (asn, org, type, reason) => {
    expect(classifyNetwork(asn, org, '198.51.100.7')).toEqual({ type, reason });
  });

  it('falls back to the name from the data file when the lookup has no organisation', () => {
    expect(classifyNetwork(16509, null, '198.51.100.7').reason).toBe('AS16509 (Amazon.com, Inc.) is a cloud provider');
  });

  it.each([
    [64500, 'Example Hosting Ltd', 'hosting', 'AS64500 (Example Hosting Ltd): the name contains "hosting", which suggests a cloud or hosting provider'],
    [64501, 'Université Exemple', 'education', 'AS64501 (Université Exemple): the name contains "universite", which suggests an education or research network'],
    [64502, 'Example Data Center GmbH', 'hosting', 'AS64502 (Example Data Center GmbH): the name contains "data center", which suggests a cloud or hosting provider'],
  ])('name hint: AS%i %s → %s', (asn, org, type, reason) => {
    expect(classifyNetwork(asn, org, '198.51.100.7')).toEqual({ type, reason });
  });

  it.each([
    [64510, 'Example Broadband Ltd'],
    [64511, 'Examplecloud Telecom'], // "cloud" is not a hint
    [64512, 'Superhostingco'], // whole words only
    [null, null],
    [64513, 'x'.repeat(100_000) + ' hosting'], // beyond the length guard
  ])('nothing supports a type → unknown, never residential: %s %s', (asn, org) => {
    expect(classifyNetwork(asn, org, '198.51.100.7')).toEqual({ type: 'unknown', reason: null });
  });

  it('a listed Tor exit address is tor, from the data passed in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-net-'));
    writeFileSync(join(dir, 'tor.yaml'), 'type: tor\nwhat: a Tor exit relay\naddresses: [203.0.113.9]\n');
    const data = loadNetworkData(dir);
    expect(classifyNetwork(16509, 'Amazon.com, Inc.', '203.0.113.9', data)).toEqual({ type: 'tor', reason: '203.0.113.9 is a Tor exit relay' });
    expect(classifyNetwork(16509, 'Amazon.com, Inc.', '203.0.113.10', data)).toEqual({ type: 'unknown', reason: null });
  });

  it('refuses an ASN listed under two types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-net-'));
    writeFileSync(join(dir, 'a.yaml'), 'type: hosting\nwhat: x\nnetworks: [{ asn: 64500, name: A }]\n');
    writeFileSync(join(dir, 'b.yaml'), 'type: mobile\nwhat: y\nnetworks: [{ asn: 64500, name: B }]\n');
    expect(() => loadNetworkData(dir)).toThrow(/AS64500 is already listed as hosting/);
  });
});

describe('published cloud ranges (data/networks/cloud-ranges.yaml)', () => {
  it.each([
    ['3.80.12.5', 'hosting', '3.80.12.5 is in 3.80.0.0/12, published by Amazon Web Services (EC2, us-east-1): a cloud provider'],
    ['35.186.1.1', 'hosting', '35.186.1.1 is in 35.184.0.0/13, published by Google Cloud: a cloud provider'],
    ['20.200.0.1', 'hosting', '20.200.0.1 is in 20.192.0.0/10, published by Microsoft Azure: a cloud provider'],
    ['150.136.7.7', 'hosting', '150.136.7.7 is in 150.136.0.0/16, published by Oracle Cloud Infrastructure: a cloud provider'],
  ])('%s → %s', (ip, type, reason) => {
    // the range wins even when the ASN data says nothing
    expect(classifyNetwork(null, null, ip)).toEqual({ type, reason });
  });

  it('the most specific range wins, and a bad CIDR is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-net-'));
    writeFileSync(join(dir, 'a.yaml'), 'type: hosting\nwhat: a cloud provider\nranges: [{ cidr: 198.51.100.0/24, name: Big }, { cidr: 198.51.100.128/25, name: Small }]\n');
    expect(classifyNetwork(null, null, '198.51.100.200', loadNetworkData(dir)).reason).toBe('198.51.100.200 is in 198.51.100.128/25, published by Small: a cloud provider');
    expect(classifyNetwork(null, null, '198.51.100.7', loadNetworkData(dir)).reason).toBe('198.51.100.7 is in 198.51.100.0/24, published by Big: a cloud provider');
    writeFileSync(join(dir, 'b.yaml'), 'type: hosting\nwhat: x\nranges: [{ cidr: 198.51.100.0/33, name: Bad }]\n');
    expect(() => loadNetworkData(dir)).toThrow(/"198\.51\.100\.0\/33" is not a CIDR block/);
  });
});
