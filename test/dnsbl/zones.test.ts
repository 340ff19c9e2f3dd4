import { describe, expect, it } from 'vitest';
import { loadZones, selectZones } from '../../src/dnsbl/zones.ts';

describe('data/dnsbl/zones.yaml', () => {
  const zones = loadZones();

  it('every active zone has a code table, retired ones are dated', () => {
    for (const z of zones) {
      if (z.status === 'active') expect(z.codes.length, z.zone).toBeGreaterThan(0);
      else expect(z.retired, z.zone).toMatch(/^\d{4}-\d{2}$/);
    }
  });

  it('Spamhaus ZEN is noted as refusing public resolvers and its PBL codes are not abuse', () => {
    const zen = zones.find((z) => z.zone === 'zen.spamhaus.org')!;
    expect(zen.refusesPublicResolvers).toBe(true);
    expect(zen.codes.filter((c) => !c.abuse).map((c) => c.code)).toEqual(['127.0.0.10', '127.0.0.11']);
  });

  it('all-active: active zones without registration', () => {
    expect(selectZones(['all-active'], zones).map((z) => z.zone)).toEqual([
      'zen.spamhaus.org', 'bl.spamcop.net', 'dnsbl.dronebl.org', 'bl.blocklist.de', 'psbl.surriel.com',
      'dnsbl-1.uceprotect.net', 'dnsbl-2.uceprotect.net', 'dnsbl-3.uceprotect.net',
    ]);
  });

  it('a zone needing registration is used when named', () => {
    expect(selectZones(['b.barracudacentral.org'], zones).map((z) => z.zone)).toEqual(['b.barracudacentral.org']);
  });

  it('an unknown zone is refused by name', () => {
    expect(() => selectZones(['bl.example.invalid'], zones)).toThrow(/"bl\.example\.invalid" is not in the registry/);
  });
});
