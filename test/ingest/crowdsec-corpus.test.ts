import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/core/ip.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { readLines } from '../../src/ingest/line-reader.ts';
import { contentFrom } from '../../src/ingest/log-content.ts';
import { CORPUS_FILES, type CorpusFile, type SkippedLine } from './crowdsec-corpus-files.ts';

// Every access log of the CrowdSec hub's scenario tests, through the real reader and parser. The
// copies in test/fixtures/crowdsec/ make this run without ../shared; when ../shared is there, the
// copies and the list of web-log tests are checked against it, so a new or changed corpus test fails
// here until it has its row in crowdsec-corpus-files.ts.

const FIXTURES = fileURLToPath(new URL('../fixtures/crowdsec/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/corpus/crowdsec/tests/', import.meta.url));
const sharedPresent = existsSync(SHARED);

/** log_type values (config.yaml) of web servers and proxies; containerd is the runtime wrapping Envoy's JSON log in CrowdSec's Envoy tests. */
const WEB_LOG_TYPES = ['nginx', 'apache2', 'caddy', 'traefik', 'litespeed', 'nginx-proxy-manager', 'bunkerweb', 'aws-alb', 'upsun-httplog', 'zoraxy', 'containerd'];

interface Outcome { read: number; parsed: number; clients: string[]; skipped: Record<number, string>; byReason: Record<string, number> }

async function replay(c: CorpusFile): Promise<Outcome> {
  const parse = lineParserFor(c.format, c.jsonFields ?? {});
  const out: Outcome = { read: 0, parsed: 0, clients: [], skipped: {}, byReason: {} };
  // final: a finished test file's last line counts even without a newline, as in a rotated log
  await readLines(contentFrom(`${FIXTURES}${c.test}/${c.file}`, false, 0), { maxLineBytes: 64 * 1024, final: true }, (line) => {
    out.read++;
    const r = parse(line, null);
    if (typeof r === 'string') {
      out.skipped[out.read] = r;
      out.byReason[r] = (out.byReason[r] ?? 0) + 1;
      return;
    }
    out.parsed++;
    if (!out.clients.includes(r.ip)) out.clients.push(r.ip);
  });
  return out;
}

function reasonsOf(skipped: Record<number, SkippedLine> = {}): Record<number, string> {
  return Object.fromEntries(Object.entries(skipped).map(([n, s]) => [n, s.reason]));
}

interface Expected { log_file: string; log_type: string; expected_alerts: { sources: string[] }[] }
const expected = JSON.parse(readFileSync(`${FIXTURES}expected-alerts.json`, 'utf8')) as Record<string, Expected>;

describe('the CrowdSec corpus table', () => {
  it('has one row for every test in expected-alerts.json, with its log file and log type', () => {
    expect(CORPUS_FILES.map((c) => c.test).sort()).toEqual(Object.keys(expected).sort());
    for (const c of CORPUS_FILES) {
      expect({ file: c.file, logType: c.logType }, c.test).toEqual({ file: expected[c.test]!.log_file, logType: expected[c.test]!.log_type });
      expect(WEB_LOG_TYPES, c.test).toContain(c.logType);
    }
  });

  it('explains every skipped line in words', () => {
    for (const c of CORPUS_FILES) {
      for (const [n, s] of Object.entries(c.skipped ?? {})) expect(s.why.length, `${c.test} line ${n}`).toBeGreaterThan(20);
    }
  });
});

describe.each(CORPUS_FILES)('$test ($logType)', (c) => {
  it(`reads ${c.read} lines: ${c.parsed} parsed, ${c.read - c.parsed} skipped, each skip explained`, async () => {
    const r = await replay(c);
    expect({ read: r.read, parsed: r.parsed }).toEqual({ read: c.read, parsed: c.parsed });
    expect(r.skipped).toEqual(reasonsOf(c.skipped));
    expect(r.parsed + Object.values(r.byReason).reduce((a, b) => a + b, 0)).toBe(r.read);
    expect(r.clients).toEqual(c.clients);
  });

  it('finds every source CrowdSec alerts on among the clients', async () => {
    const r = await replay(c);
    const sources = new Set(expected[c.test]!.expected_alerts.flatMap((a) => a.sources).map((s) => canonicalIp(s) ?? s));
    const missing = [...sources].filter((s) => !r.clients.includes(s));
    expect(missing.sort()).toEqual(Object.keys(c.unparsedSources ?? {}).sort());
  });
});

describe.skipIf(!sharedPresent)('the fixtures against ../shared/corpus/crowdsec/tests', () => {
  const webTests = sharedPresent
    ? readdirSync(SHARED, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).filter((name) => {
      const cfg = readFileSync(`${SHARED}${name}/config.yaml`, 'utf8');
      const type = /^\s*(?:log_)?type:\s*(\S+)/m.exec(cfg)?.[1] ?? '';
      return WEB_LOG_TYPES.includes(type.replace(/['"]/g, ''));
    })
    : [];

  it('every test whose config.yaml names a web log type has a row', () => {
    expect(webTests.sort()).toEqual(CORPUS_FILES.map((c) => c.test).sort());
  });

  it.each(CORPUS_FILES.map((c) => [c.test, c.file]))('%s/%s is an exact copy', (test, file) => {
    expect(readFileSync(`${FIXTURES}${test}/${file}`).equals(readFileSync(`${SHARED}${test}/${file}`))).toBe(true);
  });
});

if (!sharedPresent) console.warn('../shared/corpus/crowdsec/tests not found: the fixture copies are not re-checked against it');
