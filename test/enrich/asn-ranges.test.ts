import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAsnRanges } from '../../src/enrich/asn-ranges.ts';

// 192.0.2.0/25 → 64500, 198.51.100.0/24 → 64501 (quoted name with a comma), rows out of order,
// 2001:db8::/48 → 64502.
const v4 = [
  '3325256704,3325256959,64501,"Example, ""Quoted"" Org"',
  '3221225984,3221226111,64500,Example Net',
].join('\n');
const v6 = '42540766411282592856903984951653826560,42540766411283801782723599580828532735,64502,Example Six\n';

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-asn-'));
  writeFileSync(join(dir, 'asn-ipv4-num.csv'), v4);
  writeFileSync(join(dir, 'asn-ipv6-num.csv'), v6);
  return dir;
}

describe('loadAsnRanges', () => {
  const ranges = loadAsnRanges(fixture());
  it.each([
    ['192.0.2.0', { asn: 64500, org: 'Example Net' }],
    ['192.0.2.127', { asn: 64500, org: 'Example Net' }],
    ['192.0.2.128', null],
    ['198.51.100.255', { asn: 64501, org: 'Example, "Quoted" Org' }],
    ['203.0.113.1', null],
    ['2001:db8::1', { asn: 64502, org: 'Example Six' }],
    ['2001:db8:0:ffff:ffff:ffff:ffff:ffff', { asn: 64502, org: 'Example Six' }],
    ['2001:db8:1::', null],
  ])('%s → %j', (ip, want) => {
    expect(ranges.lookup(ip)).toEqual(want);
  });

  it('counts rows', () => {
    expect(ranges.rows).toBe(3);
  });
});
