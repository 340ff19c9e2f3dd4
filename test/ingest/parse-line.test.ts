import { describe, expect, it } from 'vitest';
import { actorKeyOf, canonicalIp } from '../../src/core/ip.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { isCanonicalIPv4, parseLine, parseLineWithForwardedFor } from '../../src/ingest/parse-line.ts';

const T0 = Date.UTC(2018, 3, 16, 16, 19, 20);

function hitOf(line: string, format: 'combined' | 'common' = 'combined') {
  const r = parseLine(line, format);
  if (!r.ok) throw new Error(`expected a hit, got ${r.reason}`);
  return r.hit;
}

describe('parseLine: common and combined', () => {
  it('parses every field of a combined line', () => {
    expect(hitOf('192.0.2.7 - frank [16/Apr/2018:16:19:20 +0000] "GET /index.html?a=1 HTTP/1.1" 200 2326 "https://www.example.com/start" "Mozilla/5.0 (X11; Linux x86_64)"')).toEqual({
      ip: '192.0.2.7', ts: T0, method: 'GET', target: '/index.html?a=1', protocol: 'HTTP/1.1', status: 200, bytes: 2326,
      referer: 'https://www.example.com/start', ua: 'Mozilla/5.0 (X11; Linux x86_64)', host: '', tag: null, raw: '', badUtf8: false,
    });
  });

  it('parses a common line (no referer, no user agent)', () => {
    expect(hitOf('198.51.100.3 - - [16/Apr/2018:16:19:20 +0000] "HEAD / HTTP/1.0" 304 -', 'common')).toMatchObject({
      ip: '198.51.100.3', ts: T0, method: 'HEAD', target: '/', protocol: 'HTTP/1.0', status: 304, bytes: 0, referer: '', ua: '',
    });
  });

  it.each([
    ['combined line ending after %b', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5', { referer: '', ua: '' }],
    ['referer and UA "-" become empty', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "-"', { referer: '', ua: '' }],
    ['trailing $request_time $host "$http_x_forwarded_for" are ignored by combined', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.5.0" 0.004 www.example.com "203.0.113.7"', { ua: 'curl/8.5.0', host: '', status: 200 }],
    ['extra trailing fields are ignored', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.5.0" "203.0.113.7"', { ua: 'curl/8.5.0' }],
    ['user with a space and a bracket-free ident', '192.0.2.1 id some user [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', { ip: '192.0.2.1', ua: 'x' }],
    ['lower-case method is upper-cased', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "get /a HTTP/1.1" 200 5 "-" "x"', { method: 'GET', target: '/a' }],
    ['HTTP/0.9 request without protocol', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET /" 200 5 "-" "x"', { method: 'GET', target: '/', protocol: '' }],
    ['target containing spaces', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET /a b/c HTTP/1.1" 400 5 "-" "x"', { target: '/a b/c' }],
    ['M-SEARCH method', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "M-SEARCH * HTTP/1.1" 400 5 "-" "x"', { method: 'M-SEARCH', target: '*' }],
    ['CONNECT with an authority-form target', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "CONNECT www.example.com:443 HTTP/1.1" 405 5 "-" "x"', { method: 'CONNECT', target: 'www.example.com:443' }],
    ['status 499 and big byte count', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 499 123456789012 "-" "x"', { status: 499, bytes: 123456789012 }],
    ['unescaped quote inside the request (old writers) is recovered', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET /a"b HTTP/1.1" 404 5 "-" "x"', { target: '/a"b' }],
    ['escaped backslash before the closing quote', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET /a\\\\ HTTP/1.1" 404 5 "-" "ua\\\\"', { target: '/a\\', ua: 'ua\\' }],
    ['nginx \\xHH UTF-8 in the user agent', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "Android \\xC3\\xA3 Build"', { ua: 'Android ã Build', badUtf8: false }],
    ['escaped bytes that are not UTF-8 are replaced and flagged', '192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x\\xFFy"', { ua: 'x\uFFFDy', badUtf8: true }],
    ['IPv6 client', '2001:db8:aaaa:bbbb::1234 - - [17/Mar/2022:16:40:25 +0000] "GET /login HTTP/1.1" 200 1101 "-" "Mozilla/5.0"', { ip: '2001:db8:aaaa:bbbb::1234' }],
    ['IPv6 client written in full, upper case', '2001:0DB8:0000:0000:0000:0000:0000:0001 - - [17/Mar/2022:16:40:25 +0000] "GET / HTTP/1.1" 200 1 "-" "x"', { ip: '2001:db8::1' }],
  ] as const)('%s', (_name, line, expected) => {
    expect(hitOf(line)).toMatchObject(expected);
  });

  it.each([
    ['', 'blank'],
    ['garbage', 'malformed'],
    ['192.0.2.1 - - 16/Apr/2018:16:19:20 +0000 "GET / HTTP/1.1" 200 5', 'malformed'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1 200 5 "-" "x"', 'malformed'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "truncated user agent', 'malformed'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-', 'malformed'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200', 'malformed'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 2000 5 "-" "x"', 'bad-status'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5k "-" "x"', 'bad-bytes'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.1 - - [31/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.1 - - [16/Abr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.1 - - [16/Apr/2018:24:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.1 - - [16/Apr/2018:16:19:20 0000 ] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.256 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-address'],
    ['example.com - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-address'],
  ])('rejects %j as %s', (line, reason) => {
    expect(parseLine(line, 'combined')).toEqual({ ok: false, reason });
  });
});

describe('parseLine: vhost_combined', () => {
  it.each([
    ['www.example.com:443', 'www.example.com'],
    ['www.example.com', 'www.example.com'],
    ['[2001:db8::1]:80', '[2001:db8::1]'],
    ['[2001:db8::1]', '[2001:db8::1]'],
    ['host:abc', 'host:abc'],
  ])('virtual host %s is kept as %s', (vhost, host) => {
    const r = parseLine(`${vhost} 192.0.2.9 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"`, 'vhost_combined');
    expect(r).toMatchObject({ ok: true, hit: { host, ip: '192.0.2.9', target: '/a', ts: T0, ua: 'x' } });
  });

  it.each([
    ['', 'blank'],
    ['www.example.com:443', 'malformed'],
    ['www.example.com:443 unknown - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-address'],
  ])('rejects %j as %s', (line, reason) => {
    expect(parseLine(line, 'vhost_combined')).toEqual({ ok: false, reason });
  });

  it.each([
    ['combined', 'www.example.com:443 192.0.2.9 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"', { ip: '192.0.2.9', host: 'www.example.com' }],
    ['combined', 'www.crowdsec.net 1.2.3.4 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"', { ip: '1.2.3.4', host: 'www.crowdsec.net' }],
    ['common', 'www.example.com 192.0.2.9 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5', { ip: '192.0.2.9', host: 'www.example.com' }],
    ['vhost_combined', '192.0.2.9 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"', { ip: '192.0.2.9', host: '', ua: 'x' }],
  ] as const)('%s also reads the other layout of the same server (other_vhosts_access.log next to access.log)', (format, line, want) => {
    expect(parseLine(line, format)).toMatchObject({ ok: true, hit: want });
  });

  it.each([
    ['combined', 'unknown - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'],
    ['combined', 'www.example.com unknown - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'],
    ['combined', '[Fri Oct 08 17:08:41.203277 2021] [core:error] [pid 7005] [client 203.0.113.87:14532] AH00126: Invalid URI'],
    ['vhost_combined', 'www.example.com:80 - - [16/Apr/2018:16:19:20 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'],
  ] as const)('%s: when neither layout fits, the line stays a bad-address failure: %s', (format, line) => {
    expect(parseLine(line, format)).toEqual({ ok: false, reason: 'bad-address' });
  });

  it('a combined line never has a host', () => {
    expect(hitOf('192.0.2.9 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"').host).toBe('');
  });
});

describe('log-01-escaped-quotes', () => {
  it('keeps an escaped quote inside the user agent', () => {
    const hit = hitOf('203.0.113.5 - - [16/Apr/2018:16:19:20 +0000] "POST /myURL HTTP/1.1" 200 8073 "-" "Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\\" Build/LMY47I)"');
    expect(hit).toMatchObject({ ip: '203.0.113.5', method: 'POST', target: '/myURL', status: 200, bytes: 8073, referer: '' });
    expect(hit.ua).toBe('Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10" Build/LMY47I)');
  });

  it('decodes nginx \\x22 in the request target', () => {
    const hit = hitOf('203.0.113.5 - - [16/Apr/2018:16:19:21 +0000] "GET /x?q=<script>alert(\\x22foo\\x22)</script> HTTP/1.1" 404 0 "-" "curl/8.5.0"');
    expect(hit).toMatchObject({ method: 'GET', protocol: 'HTTP/1.1', status: 404, ua: 'curl/8.5.0', tag: null, ts: T0 + 1000 });
    expect(hit.target).toBe('/x?q=<script>alert("foo")</script>');
  });
});

describe('log-02-junk-request-lines', () => {
  const lines = [
    '203.0.113.9 - - [04/Jun/2019:16:11:46 +0000] "\\x16\\x03\\x01\\x00\\x90\\x01\\x00\\x00\\x8C\\x03\\x03" 400 150 "-" "-"',
    '203.0.113.9 - - [04/Jun/2019:18:56:36 +0000] "\\x03\\x00\\x00/*\\xE0\\x00\\x00\\x00\\x00\\x00Cookie: mstshash=Administr" 400 150 "-" "-"',
    '198.51.100.4 - - [05/Aug/2016:09:32:06 -0300] "-" 408 - "-" "-"',
    '198.51.100.4 - - [07/Oct/2013:04:14:01 +0000] "" 400 0 "-" "-"',
  ];

  it('gives 4 hits and 0 failures', () => {
    expect(lines.map((l) => parseLine(l, 'combined').ok)).toEqual([true, true, true, true]);
  });

  it.each([
    [0, 'tls-handshake', '\\x16\\x03\\x01\\x00\\x90\\x01\\x00\\x00\\x8C\\x03\\x03', 400],
    [1, 'rdp-probe', '\\x03\\x00\\x00/*\\xE0\\x00\\x00\\x00\\x00\\x00Cookie: mstshash=Administr', 400],
    [2, 'no-request', '-', 408],
    [3, 'empty-request', '', 400],
  ] as const)('line %i is tagged %s with the raw request kept', (i, tag, raw, status) => {
    expect(hitOf(lines[i]!)).toMatchObject({ method: '', target: '', protocol: '', tag, raw, status, referer: '', ua: '' });
  });

  it.each([
    ['binary', '"\\x00\\x01\\x02garbage"', 'binary'],
    ['text that is no request', '"hello there"', 'malformed-request'],
    ['method only', '"GET"', 'malformed-request'],
    ['bad protocol', '"GET / FTP/1.0"', 'malformed-request'],
  ])('%s is tagged, not failed', (_n, field, tag) => {
    expect(hitOf(`192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] ${field} 400 0 "-" "-"`).tag).toBe(tag);
  });

  it('caps the raw request at 256 characters', () => {
    const hit = hitOf(`192.0.2.1 - - [16/Apr/2018:16:19:20 +0000] "${'\\x01'.repeat(200)}" 400 0 "-" "-"`);
    expect(hit.tag).toBe('binary');
    expect(hit.raw).toBe('\\x01'.repeat(64));
  });
});

describe('log-03-ipv6-clients', () => {
  it.each([
    ['2001:db8:aaaa:bbbb::1234', '2001:db8:aaaa:bbbb::1234'],
    ['::ffff:192.0.2.10', '192.0.2.10'],
    ['[2001:db8:5678::5a24]:43000', '2001:db8:5678::5a24'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[2001:db8::7%25eth0]:443', '2001:db8::7'],
  ])('client %s becomes %s', (addr, want) => {
    expect(hitOf(`${addr} - - [17/Mar/2022:16:40:26 +0000] "GET /.env HTTP/1.1" 404 0 "-" "curl/8.5.0"`).ip).toBe(want);
  });

  it.each(['unknown', '-', '[2001', '[2001:db8::1', '2001:db8::1::2'])('%s is a counted bad-address failure', (addr) => {
    expect(parseLine(`${addr} - - [17/Mar/2022:16:40:26 +0000] "GET /.env HTTP/1.1" 404 0 "-" "curl/8.5.0"`, 'combined'))
      .toEqual({ ok: false, reason: 'bad-address' });
  });

  it('the JSON line: brackets and port removed', () => {
    expect(lineParserFor('json')('{"remote_addr":"[2001:db8:5678::5a24]:43000","method":"GET","uri":"/.git/config","status":404}', null))
      .toMatchObject({ ip: '2001:db8:5678::5a24', method: 'GET', target: '/.git/config', status: 404 });
  });

  it('::ffff:192.0.2.10 and 192.0.2.10 are one actor key', () => {
    const a = hitOf('::ffff:192.0.2.10 - - [17/Mar/2022:16:40:26 +0000] "GET /.env HTTP/1.1" 404 0 "-" "curl/8.5.0"');
    const b = hitOf('192.0.2.10 - - [17/Mar/2022:16:40:26 +0000] "GET /.env HTTP/1.1" 404 0 "-" "curl/8.5.0"');
    expect(actorKeyOf(a.ip, 64)).toBe(actorKeyOf(b.ip, 64));
  });

  it.each(['[2001', 'unknown', '-'])('JSON remote_addr %j is a counted bad-address failure', (addr) => {
    expect(lineParserFor('json')(`{"remote_addr":"${addr}","method":"GET","uri":"/","status":404}`, null)).toBe('bad-address');
  });
});

describe('log-05-timezones', () => {
  it.each([
    '192.0.2.10 - - [10/Oct/2000:13:55:36 -0700] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0"',
    '192.0.2.10 - - [10/Oct/2000:22:55:36 +0200] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0"',
    '192.0.2.10 - - [11/Oct/2000:02:40:36 +0545] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0"',
  ])('%s is 2000-10-10T20:55:36Z', (line) => {
    expect(new Date(hitOf(line).ts).toISOString()).toBe('2000-10-10T20:55:36.000Z');
  });
});

describe('isCanonicalIPv4 (fast path of the client address)', () => {
  it.each([
    '192.0.2.1', '0.0.0.0', '255.255.255.255', '203.0.113.250', '10.0.0.10',
    '256.0.0.1', '192.0.2.01', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', '1234.1.1.1',
    '192.0.2.1:80', '::1', '', 'a.b.c.d', '192.0.2.300',
  ])('%j agrees with canonicalIp', (s) => {
    expect(isCanonicalIPv4(s)).toBe(canonicalIp(s) === s && !s.includes(':'));
  });
});

describe('parseLineWithForwardedFor', () => {
  it.each([
    ['"-" "curl/8.5.0" "203.0.113.7, 198.51.100.20"', '203.0.113.7, 198.51.100.20'],
    ['"-" "curl/8.5.0" "-"', ''],
    ['"-" "curl/8.5.0"', null],
    ['"-" "curl/8.5.0" "198.51.100.20" "more"', '198.51.100.20'],
  ])('after %s the field is %j', (tail, want) => {
    const { result, forwardedFor } = parseLineWithForwardedFor(`192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 404 153 ${tail}`, 'combined');
    expect(result.ok).toBe(true);
    expect(forwardedFor).toBe(want);
  });

  it('a quoted field that is not right after the user agent is not taken for the header', () => {
    const { forwardedFor } = parseLineWithForwardedFor('192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 404 153 "-" "curl/8.5.0" 0.004 "198.51.100.66"', 'combined');
    expect(forwardedFor).toBeNull();
  });

  it('a user agent that looks like an address is never taken for the header', () => {
    const { forwardedFor } = parseLineWithForwardedFor('192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 404 153 "-" "198.51.100.66"', 'combined');
    expect(forwardedFor).toBeNull();
  });
});
