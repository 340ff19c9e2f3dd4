// Every export parses with the tool it is meant for when that tool is installed here (nft, ipset in a
// throwaway network namespace, nginx -t, sh -n), and passes a strict format check otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateCidrs } from '../../src/site/cidr.ts';
import { EXPORT_FILES, csvField, renderExport, type ExportEntry, type ExportInput } from '../../src/site/blocklist-formats.ts';
import { safeJson } from '../../src/site/safe-json.ts';
import type { ActorSummary } from '../../src/lib/snapshot-types.ts';

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
  header: { siteName: 'Test', scope: 'all published addresses', id: 'all', generatedAt: Date.UTC(2026, 11, 3, 3, 5), licence: 'CC BY 4.0', source: 'https://r.example/' },
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
const which = (bin: string) => ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((d) => path.join(d, bin)).find((p) => existsSync(p)) ?? null;

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
    expect(render(f)).toContain('# Generated: 2026-12-03T03:05:00.000Z\n# Licence: CC BY 4.0\n');
  });

  it('CSV is RFC 4180: fixed column count, CRLF, quoted fields, defused formulas', () => {
    const lines = render('blocklist.csv').split('\r\n');
    expect(lines.at(-1)).toBe('');
    const parse = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!).slice(0, -1);
    const head = parse(lines[0]!);
    expect(head).toEqual(['address', 'score', 'verdict', 'first_seen', 'last_seen', 'requests', 'country', 'asn', 'org', 'rules', 'labels', 'report', 'generated', 'licence']);
    for (const l of lines.slice(1, -1)) expect(parse(l), l).toHaveLength(head.length);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""Quoted"" Org"`);
    expect(lines[1]).toContain(',secret-file-probe;xss-probe,');
  });

  it('JSON has the generation time, licence, count and one entry per address with its reasons', () => {
    const doc = JSON.parse(render('blocklist.json'));
    expect(doc).toMatchObject({ generated: '2026-12-03T03:05:00.000Z', licence: 'CC BY 4.0', count: KEYS.length });
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

const NFT = which('nft');
const IPSET = which('ipset');
const NGINX = which('nginx');
const UNSHARE = which('unshare');

describe('exports accepted by their tools', () => {
  it.each([['full', INPUT], ['empty', EMPTY]] as const)('nft -c -f accepts nftables.nft (%s)', (_, input) => {
    if (!NFT) return void console.warn('skipped: nft is not installed (apt-get install -y nftables)');
    const r = spawnSync(NFT, ['-c', '-f', write(`nft-${_}.nft`, render('nftables.nft', input))], { encoding: 'utf8' });
    if (/Operation not permitted|netlink/i.test(r.stderr) && r.status !== 0) return void console.warn(`skipped: nft cannot talk to netlink here: ${r.stderr.trim()}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each([['full', INPUT], ['empty', EMPTY]] as const)('ipset restore accepts ipset.restore (%s) in a throwaway network namespace', (_, input) => {
    if (!IPSET || !UNSHARE) return void console.warn('skipped: ipset or unshare is not installed (apt-get install -y ipset)');
    const file = write(`ipset-${_}.restore`, render('ipset.restore', input));
    const r = spawnSync(UNSHARE, ['-n', 'sh', '-c', `"${IPSET}" restore < "${file}" && "${IPSET}" list -t`], { encoding: 'utf8' });
    if (r.status !== 0 && /Operation not permitted|unshare failed|Kernel error|Cannot open session/i.test(r.stderr)) return void console.warn(`skipped: no network namespace or ipset kernel support here: ${r.stderr.trim()}`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Number of entries: ${_ === 'full' ? 3 : 0}`);
  });

  it('nginx -t accepts a server block that includes nginx-deny.conf', () => {
    if (!NGINX) return void console.warn('skipped: nginx is not installed (apt-get install -y nginx-light)');
    const inc = write('deny.conf', render('nginx-deny.conf'));
    const conf = write('nginx.conf', `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp { access_log off; server { listen 127.0.0.1:1; include ${inc}; } }\n`);
    const r = spawnSync(NGINX, ['-t', '-q', '-c', conf, '-p', dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('sh -n accepts iptables.sh, which only calls iptables/ip6tables', () => {
    const text = render('iptables.sh');
    execFileSync('sh', ['-n', write('iptables.sh', text)]);
    for (const l of text.split('\n').filter((l) => l && !l.startsWith('#') && l !== 'set -eu')) expect(l).toMatch(/^ip6?tables /);
    expect(text).toContain('iptables -A PILLORY_ALL -s 192.0.2.10/31 -j DROP');
    expect(text).toContain('ip6tables -A PILLORY_ALL -s 2001:db8:1:2::/63 -j DROP');
  });
});
