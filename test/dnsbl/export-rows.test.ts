import { describe, expect, it } from 'vitest';
import { exportActors } from '../../src/cli/export-actors.ts';
import { snapshotWithActors } from './snapshot-fixture.ts';

describe('export rows carry DNSBL outcomes, the network type and the abuse contact', () => {
  it('one row per actor with dnsbl {zone: {status, meaning}}, network and abuse', () => {
    const copy = snapshotWithActors(['192.0.2.10', '198.51.100.7']);
    const db = copy.db;
    db.prepare(`UPDATE actors SET network_type = 'hosting', network_reason = 'AS64500 (Example Hosting) is a cloud or hosting provider', abuse_email = 'abuse@example.net', abuse_source = 'RDAP rdap.example' WHERE key = '192.0.2.10'`).run();
    const ins = db.prepare(`INSERT INTO dnsbl(actor, zone, status, meaning, codes, abuse, checked_at) VALUES ('192.0.2.10', ?, ?, ?, '', 0, 0)`);
    ins.run('zen.spamhaus.org', 'listed', 'XBL: exploited host');
    ins.run('bl.spamcop.net', 'error', 'timeout');
    ins.run('dnsbl.dronebl.org', 'not_listed', 'not listed');
    const path = copy.path;
    db.close();
    const rows = [...exportActors(path)];
    expect(rows.find((r) => r.ip === '192.0.2.10')).toMatchObject({
      network: 'hosting',
      network_reason: 'AS64500 (Example Hosting) is a cloud or hosting provider',
      dnsbl: {
        'bl.spamcop.net': { status: 'error', meaning: 'timeout' },
        'dnsbl.dronebl.org': { status: 'not_listed', meaning: 'not listed' },
        'zen.spamhaus.org': { status: 'listed', meaning: 'XBL: exploited host' },
      },
      abuse: { email: 'abuse@example.net', source: 'RDAP rdap.example' },
    });
    expect(rows.find((r) => r.ip === '198.51.100.7')).toMatchObject({ network: 'unknown', network_reason: null, dnsbl: {}, abuse: null });
  });
});
