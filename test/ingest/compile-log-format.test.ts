import { describe, expect, it } from 'vitest';
import { emptyHeaders, NO_TIME, type ClientHeaders, type ParsedHit } from '../../src/ingest/build-hit.ts';
import { compileLogFormat, isNginxFormat, tokensOfApache, tokensOfNginx } from '../../src/ingest/compile-log-format.ts';

const T = Date.UTC(2026, 11, 3, 10, 0, 0); // 2026-12-03T10:00:00Z

function parse(format: string, line: string): { hit: ParsedHit; headers: ClientHeaders } {
  const headers = emptyHeaders();
  const r = compileLogFormat(format)(line, headers);
  if (typeof r === 'string') throw new Error(`expected a hit, got ${r}`);
  return { hit: r, headers };
}

// Real layouts: nginx's and Apache's stock ones, ingress-nginx's default, Debian's vhost_combined,
// the nginx docs' upstream timing example. Each row: format, a line as that server writes it, the fields.
describe('nginx log_format strings', () => {
  it.each([
    ['stock "main" (combined + "$http_x_forwarded_for")',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
      '192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET /.env HTTP/1.1" 404 153 "-" "curl/8.5.0" "203.0.113.7, 198.51.100.20"',
      { ip: '192.0.2.1', ts: T, method: 'GET', target: '/.env', protocol: 'HTTP/1.1', status: 404, bytes: 153, referer: '', ua: 'curl/8.5.0' },
      { forwardedFor: '203.0.113.7, 198.51.100.20' }],
    ['combined + $request_time $host "$http_x_forwarded_for"',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $host "$http_x_forwarded_for"',
      '203.0.113.7 - alice [03/Dec/2026:11:00:00 +0100] "POST /wp-login.php HTTP/1.1" 200 4120 "https://www.example.com/wp-login.php" "Mozilla/5.0 (X11; Linux x86_64)" 0.004 www.example.com "-"',
      { ip: '203.0.113.7', ts: T, method: 'POST', target: '/wp-login.php', status: 200, bytes: 4120, referer: 'https://www.example.com/wp-login.php', ua: 'Mozilla/5.0 (X11; Linux x86_64)', host: 'www.example.com' },
      { forwardedFor: null }],
    ['ingress-nginx default (unknown variables, [$proxy_upstream_name], $upstream_*, $req_id)',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
      '203.0.113.50 - - [03/Dec/2026:10:00:00 +0000] "GET /.git/config HTTP/1.1" 404 548 "-" "Mozilla/5.0 (compatible; scanner/1.0)" 312 0.002 [default-web-80] [] 10.244.0.12:8080 548 0.002 404 8f6c1e2a9d0b4c3e8f6c1e2a9d0b4c3e',
      { ip: '203.0.113.50', ts: T, target: '/.git/config', status: 404, bytes: 548, ua: 'Mozilla/5.0 (compatible; scanner/1.0)' },
      {}],
    ['nginx docs upstream_time (quoted $upstream_* with lists)',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"',
      '198.51.100.9 - - [03/Dec/2026:10:00:00 +0000] "GET /api HTTP/1.1" 502 157 "-" "curl/8.5.0" rt=3.001 uct="0.000, 0.001" uht="-, 3.000" urt="1.500, 1.501"',
      { ip: '198.51.100.9', status: 502, bytes: 157, ua: 'curl/8.5.0', target: '/api' },
      {}],
    ['unquoted $upstream_addr / $upstream_status lists with ", " and " : " before more fields',
      '$remote_addr [$time_local] "$request" $status $upstream_addr $upstream_status $upstream_response_time $body_bytes_sent "$http_user_agent"',
      '198.51.100.9 [03/Dec/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 502, 502 : 200 0.001, 0.002 : 0.010 512 "curl/8.5.0"',
      { status: 200, bytes: 512, ua: 'curl/8.5.0', target: '/x' },
      {}],
    ['$time_iso8601 and $scheme://$host$request_uri (host written right before the target)',
      '$remote_addr [$time_iso8601] $request_method $scheme://$host$request_uri $server_protocol $status $body_bytes_sent',
      '198.51.100.4 [2026-12-03T11:00:00+01:00] GET https://www.example.com/.env?x=1 HTTP/2.0 404 0',
      { ip: '198.51.100.4', ts: T, method: 'GET', target: '/.env?x=1', protocol: 'HTTP/2.0', host: 'www.example.com', status: 404, bytes: 0, tag: null },
      {}],
    ['$msec and $uri$is_args$args as one target',
      '$remote_addr $msec "$request_method $uri$is_args$args $server_protocol" $status',
      '192.0.2.5 1796292000.123 "get /search?q=%27 HTTP/1.1" 200',
      { ip: '192.0.2.5', ts: T + 123, method: 'GET', target: '/search?q=%27', protocol: 'HTTP/1.1', status: 200 },
      {}],
    ['$uri and $args apart: the query is put back on the target',
      '$remote_addr [$time_local] $request_method $uri $args $status',
      '192.0.2.5 [03/Dec/2026:10:00:00 +0000] GET /index.php s=/Index/\\x5Cthink\\x5Capp/invokefunction 200',
      { target: '/index.php?s=/Index/\\think\\app/invokefunction', method: 'GET', status: 200 },
      {}],
    ['CDN and X-Real-IP headers',
      '$remote_addr - [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" "$http_cf_connecting_ip" "$http_x_real_ip"',
      '173.245.48.10 - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/2.0" 200 5 "Mozilla/5.0" "203.0.113.66" "203.0.113.67"',
      { ip: '173.245.48.10', protocol: 'HTTP/2.0' },
      { cdnIp: '203.0.113.66', realIp: '203.0.113.67', forwardedFor: null }],
    ['escape=default \\x22 and \\xHH UTF-8 inside quoted fields (log-01)',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
      '203.0.113.5 - - [03/Dec/2026:10:00:00 +0000] "GET /x?q=<script>alert(\\x22foo\\x22)</script> HTTP/1.1" 404 0 "-" "Android \\xC3\\xA3 \\x22quoted\\x22"',
      { target: '/x?q=<script>alert("foo")</script>', ua: 'Android ã "quoted"', badUtf8: false },
      {}],
    ['a TLS handshake on the HTTP port is a tagged hit (log-02)',
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
      '203.0.113.9 - - [03/Dec/2026:10:00:00 +0000] "\\x16\\x03\\x01\\x00\\x90\\x01" 400 150 "-" "-" "-"',
      { method: '', target: '', tag: 'tls-handshake', raw: '\\x16\\x03\\x01\\x00\\x90\\x01', status: 400 },
      {}],
    ['IPv4-mapped IPv6 client (log-03)',
      '$remote_addr [$time_local] "$request" $status',
      '::ffff:192.0.2.10 [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200',
      { ip: '192.0.2.10' },
      {}],
    ['a minute offset (log-05)',
      '$remote_addr [$time_local] "$request" $status',
      '192.0.2.10 [03/Dec/2026:15:45:00 +0545] "GET / HTTP/1.1" 200',
      { ts: T },
      {}],
  ] as const)('%s', (_name, format, line, hit, headers) => {
    const r = parse(format, line);
    expect(r.hit).toMatchObject(hit);
    expect(r.headers).toMatchObject(headers);
  });

  it('a layout without a time leaves the hit undated for the reader to date', () => {
    expect(parse('$remote_addr "$request" $status', '192.0.2.1 "GET / HTTP/1.1" 200').hit.ts).toBe(NO_TIME);
  });

  it('the header fields are not read when no headers are asked for', () => {
    const r = compileLogFormat('$remote_addr [$time_local] "$request" $status "$http_x_forwarded_for"')(
      '192.0.2.1 [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 "198.51.100.1"', null);
    expect(r).toMatchObject({ ip: '192.0.2.1', status: 200 });
  });
});

describe('Apache LogFormat strings', () => {
  it.each([
    ['Debian combined, quotes escaped as in apache2.conf',
      '%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"',
      '203.0.113.5 - - [03/Dec/2026:10:00:00 +0000] "POST /myURL HTTP/1.1" 200 8073 "-" "Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\\" Build/LMY47I)"',
      { ip: '203.0.113.5', ts: T, method: 'POST', target: '/myURL', status: 200, bytes: 8073, ua: 'Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10" Build/LMY47I)' },
      {}],
    ['Debian vhost_combined (%v:%p)',
      '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
      'www.example.com:443 198.51.100.7 - - [03/Dec/2026:10:00:00 +0000] "GET /administrator/ HTTP/1.1" 404 196 "-" "Mozilla/5.0"',
      { ip: '198.51.100.7', host: 'www.example.com', target: '/administrator/', status: 404, bytes: 196 },
      {}],
    ['common, %b "-" is 0 bytes',
      '%h %l %u %t "%r" %>s %b',
      '2001:db8:aaaa:bbbb::1234 - frank [03/Dec/2026:10:00:00 +0000] "HEAD / HTTP/1.0" 304 -',
      { ip: '2001:db8:aaaa:bbbb::1234', method: 'HEAD', status: 304, bytes: 0, ua: '' },
      {}],
    ['%D and %T (microseconds, seconds) and a trailing %{X-Forwarded-For}i',
      '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %T/%D "%{X-Forwarded-For}i"',
      '192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1" 400 226 "-" "-" 0/1234 "203.0.113.8"',
      { ip: '192.0.2.1', target: '/cgi-bin/.%2e/.%2e/bin/sh', status: 400, bytes: 226, ua: '' },
      { forwardedFor: '203.0.113.8' }],
    ['%a, %{c}a and %{X-Real-IP}i / %{CF-Connecting-IP}i',
      '%{c}a %a %t "%r" %s %B "%{X-Real-IP}i" "%{CF-Connecting-IP}i"',
      '192.0.2.1 192.0.2.1 [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12 "203.0.113.1" "-"',
      { ip: '192.0.2.1', status: 200, bytes: 12 },
      { realIp: '203.0.113.1', cdnIp: null }],
    ['%{sec}t epoch seconds',
      '%h [%{sec}t] "%r" %>s %B',
      '192.0.2.1 [1796292000] "GET / HTTP/1.1" 200 12',
      { ts: T },
      {}],
    ['%{msec}t epoch milliseconds',
      '%h %{msec}t "%r" %>s',
      '192.0.2.1 1796292000250 "GET / HTTP/1.1" 200',
      { ts: T + 250 },
      {}],
    ['an ISO strftime layout',
      '%{%Y-%m-%dT%H:%M:%S%z}t %a "%r" %>s',
      '2026-12-03T11:00:00+0100 192.0.2.1 "GET / HTTP/1.1" 200',
      { ts: T, ip: '192.0.2.1' },
      {}],
    ['the CLF layout written as strftime, without brackets',
      '%h %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s',
      '192.0.2.1 03/Dec/2026:10:00:00 +0000 "GET / HTTP/1.1" 200',
      { ts: T },
      {}],
    ['%m %U%q %H: the query is part of the target',
      '%h %t "%m %U%q %H" %>s %b',
      '192.0.2.1 [03/Dec/2026:10:00:00 +0000] "GET /wp-login.php?action=register HTTP/1.1" 404 0',
      { method: 'GET', target: '/wp-login.php?action=register', protocol: 'HTTP/1.1', status: 404 },
      {}],
    ['status conditions, %% and unknown directives (%k %X %P %{Cookie}C %{UNIQUE_ID}e %^ti)',
      '%h %!200,304{Referer}i %t "%r" %>s 100%% %k %X %P "%{Cookie}C" %{UNIQUE_ID}e %^ti',
      '192.0.2.1 - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 100% 0 + 4711 "a=b" aBcD -',
      { ip: '192.0.2.1', status: 200, target: '/' },
      {}],
  ] as const)('%s', (_name, format, line, hit, headers) => {
    const r = parse(format, line);
    expect(r.hit).toMatchObject(hit);
    expect(r.headers).toMatchObject(headers);
  });
});

describe('lines that do not fit the layout', () => {
  const MAIN = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
  it.each([
    ['', 'blank'],
    ['garbage', 'malformed'],
    ['unknown - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-address'],
    ['[2001 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-address'],
    ['192.0.2.1 - - [03/Dec/2026:25:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"', 'bad-time'],
    ['192.0.2.1 - - [03/Dec/2026:10:00:00] "GET / HTTP/1.1" 200 5 "-" "x"', 'malformed'],
    ['192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 2000 5 "-" "x"', 'bad-status'],
    ['192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5k "-" "x"', 'bad-bytes'],
    ['192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "cut off', 'malformed'],
  ])('%j → %s', (line, reason) => {
    expect(compileLogFormat(MAIN)(line, null)).toBe(reason);
  });

  it('a line that does not start with the leading literal', () => {
    expect(compileLogFormat('[$time_local] $remote_addr "$request" $status')('192.0.2.1 "GET /" 200', null)).toBe('malformed');
  });

  it('a bad ISO time', () => {
    expect(compileLogFormat('$remote_addr [$time_iso8601] "$request" $status')('192.0.2.1 [2026-13-03T10:00:00+00:00] "GET / HTTP/1.1" 200', null)).toBe('bad-time');
  });
});

describe('formats that cannot be compiled', () => {
  it.each<[string, string]>([
    ['no client address field', '$remote_user [$time_local] "$request"'],
    ['no client address field', '%{X-Forwarded-For}i %l %u %t "%r" %>s %b'],
    ['no request field', '$remote_addr [$time_local] $status'],
    ['$remote_addr and $remote_user have nothing between them', '$remote_addr$remote_user "$request"'],
    ['unclosed ${', '$remote_addr ${request'],
    ['unclosed %{', '%h %{User-Agent "%r"'],
    ['dangling %', '%h "%r" %'],
    ['the time layout %{%d.%m.%Y}t is not one Pillory can read', '%h %{%d.%m.%Y}t "%r"'],
    ['too long', `$remote_addr "$request" ${'x'.repeat(2100)}`],
  ])('refused: %s', (why, format) => {
    expect(() => compileLogFormat(format)).toThrow(expect.objectContaining({ name: 'PilloryError', code: 'CONFIG_LOG_FORMAT', message: expect.stringContaining(why) }));
  });
});

describe('tokenizers', () => {
  it('tells nginx from Apache', () => {
    expect(isNginxFormat('$remote_addr "$request"')).toBe(true);
    expect(isNginxFormat('%h "%r" costs $5')).toBe(false);
  });

  it('nginx: ${var} and a lone $ are handled', () => {
    expect(tokensOfNginx('${remote_addr}x $ "$request"')).toEqual([
      { field: 'addr', name: '$remote_addr' }, { lit: 'x $ "' }, { field: 'request', name: '$request' }, { lit: '"' },
    ]);
  });

  it('names that exist on Object.prototype are unknown variables, ignored', () => {
    expect(tokensOfNginx('$constructor $toString').filter((t) => 'field' in t)).toEqual([
      { field: 'ignore', name: '$constructor' }, { field: 'ignore', name: '$toString' },
    ]);
    expect(tokensOfApache('%{constructor}i %{__proto__}i %{hasOwnProperty}i').filter((t) => 'field' in t).map((t) => 'field' in t && t.field))
      .toEqual(['ignore', 'ignore', 'ignore']);
  });

  it('Apache: %t carries its brackets and \\t is a tab', () => {
    expect(tokensOfApache('%h\\t%t')).toEqual([{ field: 'addr', name: '%h' }, { lit: '\t[' }, { field: 'time_clf', name: '%t' }, { lit: ']' }]);
  });
});
