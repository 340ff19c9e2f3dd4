// Every export format, checked strictly, and accepted by the tool it is written for (nft and ipset in a
// throwaway network namespace, nginx -t, sh -n and bash -n); a missing tool skips its test, saying which.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateCidrs } from '../../src/site/cidr.ts';
import { EXPORT_FILES, csvField, renderExport, type ExportEntry, type ExportInput } from '../../src/site/blocklist-formats.ts';
import { safeJson } from '../../src/site/safe-json.ts';
import type { ActorSummary } from '../../src/lib/snapshot-types.ts';
import { missing, nginxTest, openNamespace, q, shellSyntax } from './export-tools.ts';

const actor = (key: string, over: Partial<ActorSummary> = {}): ActorSummary => ({
  key, slug: key.replace(/:/g, '-').replace('/', '-'), family: key.includes(':') ? 6 : 4, requests: 3, firstSeen: 0, lastSeen: 1000,
  score: 80, verdict: 'critical', country: 'NL', countryName: 'Netherlands', asn: 64500, org: '=HYPERLINK("x"), "Quoted" Org',
  networkType: 'hosting', firstPublished: 0, status: 'published', inBlocklist: true, ...over,
});
const entry = (key: string): ExportEntry => ({ actor: actor(key), reasons: { rules: ['secret-file-probe', 'xss-probe'], labels: ['secret-file-probe'] }, url: `https://r.example/ip/${key}/` });
const KEYS = ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '198.51.100.7', '2001:db8::1', '2001:db8:1:2::/64', '2001:db8:1:3::/64'];
const INPUT: ExportInput = {
  entries: KEYS.map(entry),
  added: [entry('198.51.100.7')],
  removed: [{ key: '203.0.113.9', reason: 'aged out' }],
  header: { siteName: 'Test', scope: 'all published addresses', id: 'all', updatedAt: Date.UTC(2026, 11, 3, 3, 5), licence: 'CC BY 4.0', source: 'https://r.example/' },
};
const EMPTY: ExportInput = { ...INPUT, entries: [], added: [], removed: null };
const render = (f: (typeof EXPORT_FILES)[number], input = INPUT) => renderExport(f, input, (v) => safeJson(v, 1));
const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

const dir = mkdtempSync(path.join(tmpdir(), 'pillory-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('aggregateCidrs', () => {
  it.each([
    [['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13'], 4, ['192.0.2.10/31', '192.0.2.12/31']],
    [['192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3'], 4, ['192.0.2.0/30']],
    [['192.0.2.7', '192.0.2.7', '198.51.100.1'], 4, ['192.0.2.7', '198.51.100.1']],
    [['2001:db8:1:2::/64', '2001:db8:1:3::/64', '2001:db8::1'], 6, ['2001:db8::1', '2001:db8:1:2::/63']],
    [['2001:db8:1:2::5', '2001:db8:1:2::/64'], 6, ['2001:db8:1:2::/64']],
    [['192.0.2.1', '2001:db8::1'], 6, ['2001:db8::1']],
  ] as const)('%o (IPv%i) → %o', (keys, fam, want) => {
    expect(aggregateCidrs(keys, fam)).toEqual(want);
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['=cmd()', "'=cmd()"], ['-1+1', "'-1+1"], [42, '42'], [null, ''],
  ] as const)('%o → %s', (v, want) => expect(csvField(v)).toBe(want));
});

describe('strict formats', () => {
  it('plain lists hold one valid address or network per line, split by family', () => {
    expect(body(render('ipv4.txt'))).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '198.51.100.7']);
    expect(body(render('ipv6.txt'))).toEqual(['2001:db8::1', '2001:db8:1:2::/64', '2001:db8:1:3::/64']);
    for (const l of body(render('all.txt'))) expect(isIP(l.split('/')[0]!), l).not.toBe(0);
    expect(body(render('cidr-ipv4.txt'))).toEqual(['192.0.2.10/31', '192.0.2.12/31', '198.51.100.7']);
    expect(body(render('cidr-ipv6.txt'))).toEqual(['2001:db8::1', '2001:db8:1:2::/63']);
  });

  it.each(EXPORT_FILES.filter((f) => !f.endsWith('.json') && !f.endsWith('.csv')))('%s states generation time and licence', (f) => {
    expect(render(f)).toContain('# Updated: 2026-12-03T03:05:00.000Z (when this list last changed; it is checked every night)\n# Licence: CC BY 4.0\n');
  });

  it('CSV is RFC 4180: fixed column count, CRLF, quoted fields, defused formulas', () => {
    const lines = render('blocklist.csv').split('\r\n');
    expect(lines.at(-1)).toBe('');
    const parse = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!).slice(0, -1);
    const head = parse(lines[0]!);
    expect(head).toEqual(['address', 'score', 'verdict', 'first_seen', 'last_seen', 'requests', 'country', 'asn', 'org', 'rules', 'labels', 'report', 'updated', 'licence']);
    for (const l of lines.slice(1, -1)) expect(parse(l), l).toHaveLength(head.length);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""Quoted"" Org"`);
    expect(lines[1]).toContain(',secret-file-probe;xss-probe,');
  });

  it('JSON has the generation time, licence, count and one entry per address with its reasons', () => {
    const doc = JSON.parse(render('blocklist.json'));
    expect(doc).toMatchObject({ updated: '2026-12-03T03:05:00.000Z', licence: 'CC BY 4.0', count: KEYS.length });
    expect(doc.entries[6]).toMatchObject({ address: '2001:db8:1:2::/64', family: 6, rules: ['secret-file-probe', 'xss-probe'] });
  });

  it('added and removed name each address with its reason; removed says when it is unknown', () => {
    expect(body(render('added.txt'))).toEqual(['198.51.100.7 # secret-file-probe']);
    expect(body(render('removed.txt'))).toEqual(['203.0.113.9 # aged out']);
    expect(render('removed.txt', EMPTY)).toContain('# not available: this snapshot does not record removals yet');
  });

  it('nginx include is only deny lines', () => {
    for (const l of body(render('nginx-deny.conf'))) expect(l).toMatch(/^deny [0-9a-f.:]+(\/\d+)?;$/);
  });
});

// The same tools run on the built site's files in build-site.test.ts; here on a synthetic list with
// merges, a /63, an empty list and a hostile organisation name.
describe('exports accepted by their tools', () => {
  it.for([['full', INPUT], ['empty', EMPTY]] as const)('nft -c -f, then nft -f, accept nftables.nft (%s) in a throwaway namespace', ([name, input], ctx) => {
    const why = missing('nft');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const file = write(`nft-${name}.nft`, render('nftables.nft', input));
      const r = ns.sh(`nft -c -f ${q(file)} && nft -f ${q(file)} && nft list set inet pillory_all blocked_v6`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      if (name === 'full') expect(r.stdout.replace(/\s+/g, ' ')).toContain('elements = { 2001:db8::1, 2001:db8:1:2::/63 }');
    } finally {
      ns.close();
    }
  });

  it.for([['full', INPUT], ['empty', EMPTY]] as const)('ipset restore accepts ipset.restore (%s) in a throwaway namespace', ([name, input], ctx) => {
    const why = missing('ipset');
    if (why) return ctx.skip(why);
    const { ns, why: noNs } = openNamespace();
    if (!ns) return ctx.skip(noNs);
    try {
      const r = ns.sh(`ipset restore < ${q(write(`ipset-${name}.restore`, render('ipset.restore', input)))} && ipset list -t pillory-all-v4`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`Number of entries: ${name === 'full' ? 3 : 0}`);
    } finally {
      ns.close();
    }
  });

  it('nginx -t accepts a server block that includes nginx-deny.conf', (ctx) => {
    const why = missing('nginx');
    if (why) return ctx.skip(why);
    const r = nginxTest(dir, { file: write('deny.conf', render('nginx-deny.conf')) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('sh -n and bash -n accept iptables.sh, which only calls iptables/ip6tables', () => {
    const text = render('iptables.sh');
    for (const r of shellSyntax(write('iptables.sh', text))) expect(r.status).toBe(0);
    for (const l of text.split('\n').filter((l) => l && !l.startsWith('#') && l !== 'set -eu')) expect(l).toMatch(/^ip6?tables /);
    expect(text).toContain('iptables -A PILLORY_ALL -s 192.0.2.10/31 -j DROP');
    expect(text).toContain('ip6tables -A PILLORY_ALL -s 2001:db8:1:2::/63 -j DROP');
  });
});
