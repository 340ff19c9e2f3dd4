import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../scripts/pillory.mjs', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 170_000 });

describe('pillory build on the bundled demo (the README path)', () => {
  let dir: string;
  let build: ReturnType<typeof run>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-cli-'));
    build = run(['build', '--db', join(dir, 's.sqlite'), '--out', join(dir, 'dist')]);
  }, 180_000);

  it('exits 0 and ends with the one-screen summary', () => {
    expect(build.stderr).toContain('using the bundled demo logs');
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/^lines {5}13456 read from 2 file\(s\): 13455 parsed, 1 skipped \(malformed 1\)$/m);
    expect(build.stdout).toMatch(/^site {6}\d+ pages in .+: \d+ rendered, 0 unchanged and kept \(1 worker\); files \d+ added, 0 changed, 0 removed, 0 unchanged$/m);
  });

  it('writes report pages for the real scanners and none for Googlebot', () => {
    const ips = readdirSync(join(dir, 'dist/ip')).filter((f) => !f.endsWith('.json'));
    expect(ips).toEqual(expect.arrayContaining(['195.250.34.144', '144.76.194.187']));
    expect(ips).not.toContain('66.249.73.135');
    const page = readFileSync(join(dir, 'dist/ip/195.250.34.144/index.html'), 'utf8');
    expect(page).toContain('/wp-login.php');
    expect(page).toContain('IP Geolocation by DB-IP');
    // history: 91.236.75.25 asked on 18 and 20 May 2015 (one and eight requests)
    const prober = readFileSync(join(dir, 'dist/ip/91.236.75.25/index.html'), 'utf8');
    expect(prober).toMatch(/<dt[^>]*>Days active<\/dt><dd[^>]*>2 days with requests \(UTC\)<\/dd>/);
    for (const f of ['index.html', '404.html', 'robots.txt', 'sitemap-index.xml', 'country/index.html', 'asn/index.html']) {
      expect(existsSync(join(dir, 'dist', f)), f).toBe(true);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp') || f.includes('.old'))).toEqual([]);
  });

  it('export prints one JSON object per actor with the documented fields', () => {
    const out = execFileSync(process.execPath, [CLI, 'export', '--db', join(dir, 's.sqlite')], { encoding: 'utf8' });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBe(2273);
    const row = rows.find((r) => r.ip === '195.250.34.144')!;
    expect(Object.keys(row)).toEqual(['ip', 'requests', 'score', 'verdict', 'published', 'signatures', 'country', 'asn', 'network', 'network_reason', 'dnsbl', 'abuse']);
    expect(row).toMatchObject({ ip: '195.250.34.144', published: true, country: 'IT', asn: 31034 });
    expect((row.signatures as { id: string; points: number }[]).reduce((n, s) => n + s.points, 0)).toBe(row.score);
    const google = rows.find((r) => r.ip === '66.249.73.135')!;
    expect(google.published).toBe(false);
  });

  it('a second build reads no line twice', () => {
    const again = run(['build', '--db', join(dir, 's.sqlite'), '--out', join(dir, 'dist')]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^lines {5}0 read from 2 file\(s\)/m);
    // nothing new: every report, country and network page is kept from the first build; the site-wide
    // pages are rendered again (they say when the site was built), and so are the exports (they say when they were made)
    const site = /^site {6}(\d+) pages in .+: (\d+) rendered, (\d+) unchanged and kept \(1 worker\); files 0 added, \d+ changed, 0 removed, \d+ unchanged$/m.exec(again.stdout);
    expect(site, again.stdout).not.toBeNull();
    const [, pages, rendered] = site!.map(Number);
    expect(rendered).toBe(pages! - readdirSync(join(dir, 'dist/ip')).filter((f) => !f.endsWith('.json')).length - 
      readdirSync(join(dir, 'dist/country')).filter((f) => f !== 'index.html').length - readdirSync(join(dir, 'dist/asn')).filter((f) => f !== 'index.html').length);
  }, 180_000);
});

describe('pillory errors', () => {
  it.each([
    [['nightly', '--as-of', 'yesterday', '--db', '/tmp/x.sqlite'], 2, /--as-of must be "now", "newest" or an ISO date/],
    [['nightly', '--bogus'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['export', '--db', '/nonexistent/s.sqlite'], 3, /no snapshot at \/nonexistent\/s\.sqlite/],
    // missing input is 3, as the README says (a missing --log file once exited 1)
    [['nightly', '--log', '/nonexistent/access.log', '--db', '/tmp/pillory-never.sqlite'], 3, /log file not found: \/nonexistent\/access\.log/],
    [['nightly', '--log', '/nonexistent/*.log', '--db', '/tmp/pillory-never.sqlite'], 3, /no log file matches \/nonexistent\/\*\.log/],
    [['nightly', '--format', '$remote_addr $nope', '--log', '/dev/null', '--db', '/tmp/pillory-never.sqlite'], 2, /log format/],
  ])('%j exits %i with a sentence', (args, code, message) => {
    const r = run(args);
    expect(r.status).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

describe('pillory nightly --format', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pillory-format-'));
    // log-07: two JSON lines (nginx \xHH escapes; raw bytes 0xFF 0xFE) and an over-long line
    writeFileSync(join(dir, 'access.json'), Buffer.concat([
      Buffer.from('{"remote_addr":"203.0.113.12","time":"2026-12-02T23:59:59+00:00","request":"GET / HTTP/1.1","ua":"Dalvik/2.1.0 (Linux; U; Android 5.1.1; \\xC3\\xA3 Build/LMY47V)"}\n'),
      Buffer.from('{"remote_addr":"203.0.113.13","request":"GET /'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1","ua":"x"}\n'),
      Buffer.from(`{"remote_addr":"203.0.113.14","request":"GET /${'a'.repeat(70 * 1024)} HTTP/1.1"}\n`),
    ]));
    writeFileSync(join(dir, 'access.log'), '192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET /.env HTTP/1.1" 404 153 "-" "curl/8.5.0" 0.004 www.example.com\n');
  });

  it('reads JSON lines and prints every bucket of the accounting', () => {
    const r = run(['nightly', '--log', join(dir, 'access.json'), '--format', 'json', '--db', join(dir, 'j.sqlite'), '--offline', '--score-private', '--as-of', 'newest']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lines {5}3 read from 1 file\(s\): 2 parsed, 1 skipped \(oversized 1\)$/m);
  });

  it('takes an nginx log_format string', () => {
    const r = run(['nightly', '--log', join(dir, 'access.log'), '--db', join(dir, 'n.sqlite'), '--offline', '--score-private', '--as-of', 'newest',
      '--format', '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $host']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lines {5}1 read from 1 file\(s\): 1 parsed, 0 skipped$/m);
  });

  it.each([
    ['nginx-json', /--format: log format "nginx-json" is not known; use one of combined, common, vhost_combined, nginx_main, json, nginx_json, caddy, traefik/],
    ['$remote_user "$request"', /--format: log format .*: no client address field/],
  ])('refuses %j before reading anything (exit 2)', (format, message) => {
    const r = run(['nightly', '--log', join(dir, 'access.log'), '--db', join(dir, 'x.sqlite'), '--format', format]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'x.sqlite'))).toBe(false);
  });
});

describe('pillory doctor (the command)', () => {
  it('reports each database and each zone against --resolver, exit 1 when a zone is broken', async () => {
    const { startLocalDns } = await import('../dns/local-dns-server.ts');
    const { execFile } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    // zen answers its test points; spamcop lists everything (a dead zone)
    const dns = await startLocalDns((name) => {
      if (name.endsWith('bl.spamcop.net')) return { a: ['127.0.0.2'] };
      return name.startsWith('2.0.0.127.') ? { a: ['127.0.0.2'] } : { rcode: 3 };
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'pillory-doctor-cli-'));
      writeFileSync(join(dir, 'access.log'), '');
      writeFileSync(join(dir, 'pillory.config.yaml'), `logs: [access.log]\ndnsbl:\n  zones: [zen.spamhaus.org, bl.spamcop.net]\n  timeoutMs: 500\n`);
      // asynchronous: the DNS server answers from this process while the command runs
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, [CLI, 'doctor', '--config', join(dir, 'pillory.config.yaml'), '--resolver', dns.resolver], { encoding: 'utf8', timeout: 60_000 },
          (_e, stdout) => resolve({ code: child.exitCode, stdout }));
      });
      expect(r.stdout).toMatch(/^databases$/m);
      expect(r.stdout).toMatch(/^ {2}✓ city: DB-IP Lite City, built \d{4}-\d\d-\d\d, [\d,]+ records, licence CC-BY-4\.0$/m);
      expect(r.stdout).toMatch(/^ {2}✓ asn: ip-location-db ASN \(RouteViews, NRO, DB-IP\), built \d{4}-\d\d-\d\d, [\d,]+ records, licence CC-BY-4\.0$/m);
      expect(r.stdout).toContain(`  resolver 127.0.0.1:${dns.port} (configured)`);
      expect(r.stdout).toContain('  ✓ zen.spamhaus.org: test points answer as RFC 5782 requires');
      expect(r.stdout).toContain('  ✗ bl.spamcop.net: test point 127.0.0.1 is listed: the zone lists everything (wildcard or dead zone)');
      expect(r.stdout.trim().split('\n').at(-1)).toBe('1 problem(s) found');
      expect(r.code).toBe(1);
      expect(dns.queries).toEqual(expect.arrayContaining(['A 2.0.0.127.zen.spamhaus.org', 'A 1.0.0.127.zen.spamhaus.org', 'A 1.0.0.127.bl.spamcop.net']));
    } finally {
      await dns.close();
    }
  }, 90_000);
});
