import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyHeaders, NO_TIME, type ParsedHit } from '../../src/ingest/build-hit.ts';
import { CADDY_JSON_FIELDS, GENERIC_JSON_FIELDS, TRAEFIK_JSON_FIELDS, type JsonFieldMap } from '../../src/ingest/json-fields.ts';
import { jsonFieldMapOf, jsonLineParser, rewriteHexEscapes } from '../../src/ingest/json-line.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/crowdsec/${p}`, import.meta.url));
const linesOf = (p: string) => readFileSync(fixture(p), 'utf8').split('\n').filter((l) => l !== '');

function hitOf(map: JsonFieldMap, line: string): ParsedHit {
  const r = jsonLineParser(map)(line, null);
  if (typeof r === 'string') throw new Error(`expected a hit, got ${r}`);
  return r;
}

describe('nginx escape=json', () => {
  // log_format json escape=json '{"time_iso8601":"$time_iso8601","remote_addr":"$remote_addr","request":"$request",'
  //   '"status":$status,"body_bytes_sent":$body_bytes_sent,"http_referer":"$http_referer","http_user_agent":"$http_user_agent",'
  //   '"http_x_forwarded_for":"$http_x_forwarded_for","host":"$host"}';
  const line = '{"time_iso8601":"2026-12-03T11:00:00+01:00","remote_addr":"203.0.113.7","request":"GET /x?q=\\"a\\\\b\\" HTTP/1.1","status":404,"body_bytes_sent":153,"http_referer":"","http_user_agent":"curl/8.5.0 \\u00e3","http_x_forwarded_for":"198.51.100.2","host":"www.example.com"}';

  it('reads every field, with JSON escapes decoded', () => {
    expect(hitOf(GENERIC_JSON_FIELDS, line)).toEqual({
      ip: '203.0.113.7', ts: Date.UTC(2026, 11, 3, 10), method: 'GET', target: '/x?q="a\\b"', protocol: 'HTTP/1.1', status: 404, bytes: 153,
      referer: '', ua: 'curl/8.5.0 ã', host: 'www.example.com', tag: null, raw: '', badUtf8: false,
    });
  });

  it('hands the X-Forwarded-For value over when headers are asked for', () => {
    const headers = emptyHeaders();
    jsonLineParser(GENERIC_JSON_FIELDS)(line, headers);
    expect(headers).toEqual({ forwardedFor: '198.51.100.2', realIp: null, cdnIp: null });
  });

  it('status and bytes written as strings ("$status" in quotes), time as $msec', () => {
    expect(hitOf(GENERIC_JSON_FIELDS, '{"msec":"1796292000.250","remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":"200","body_bytes_sent":"-"}'))
      .toMatchObject({ ts: Date.UTC(2026, 11, 3, 10) + 250, status: 200, bytes: 0 });
  });

  it('$request_method $request_uri $args apart', () => {
    expect(hitOf(GENERIC_JSON_FIELDS, '{"remote_addr":"192.0.2.1","time_local":"03/Dec/2026:10:00:00 +0000","request_method":"post","uri":"/xmlrpc.php","args":"rsd","server_protocol":"HTTP/1.0","status":405}'))
      .toMatchObject({ ts: Date.UTC(2026, 11, 3, 10), method: 'POST', target: '/xmlrpc.php?rsd', protocol: 'HTTP/1.0', status: 405, tag: null });
  });

  it('a junk request line is a tagged hit', () => {
    expect(hitOf(GENERIC_JSON_FIELDS, '{"remote_addr":"192.0.2.1","request":"\\u0016\\u0003\\u0001\\u0000","status":400}'))
      .toMatchObject({ method: '', target: '', tag: 'tls-handshake', status: 400 });
  });
});

describe('nginx escape=default inside a JSON template (\\xHH, not valid JSON)', () => {
  it.each([
    ['UTF-8 bytes', '"ua":"Android \\xC3\\xA3 Build"', 'Android ã Build', false],
    ['a quote and a backslash', '"ua":"say \\x22hi\\x22 \\x5C o/"', 'say "hi" \\ o/', false],
    ['bytes that are not UTF-8', '"ua":"x\\xFF\\xFEy"', 'x\uFFFD\uFFFDy', true],
    ['an escaped backslash before an x is not a hex escape', '"ua":"C:\\\\xfiles"', 'C:\\xfiles', false],
  ])('%s', (_n, field, ua, bad) => {
    const hit = hitOf(GENERIC_JSON_FIELDS, `{"remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":200,${field}}`);
    expect(hit.ua).toBe(ua);
    expect(hit.badUtf8).toBe(bad);
  });

  it('rewriteHexEscapes leaves a line without \\x alone', () => {
    expect(rewriteHexEscapes('{"a":"b\\\\x"}')).toBeNull();
    expect(rewriteHexEscapes('{"a":"\\x41\\x42"}')).toEqual({ text: '{"a":"AB"}', badUtf8: false });
  });
});

describe('log-07-bad-bytes-long-lines: the two JSON lines', () => {
  it('line 1: nginx \\xHH escapes decoded, the user agent contains "ã"', () => {
    const hit = hitOf(GENERIC_JSON_FIELDS, '{"remote_addr":"203.0.113.12","time":"2026-12-02T23:59:59+00:00","request":"GET / HTTP/1.1","ua":"Dalvik/2.1.0 (Linux; U; Android 5.1.1; \\xC3\\xA3 Build/LMY47V)"}');
    expect(hit).toMatchObject({ ip: '203.0.113.12', ts: Date.UTC(2026, 11, 2, 23, 59, 59), method: 'GET', target: '/', badUtf8: false });
    expect(hit.ua).toBe('Dalvik/2.1.0 (Linux; U; Android 5.1.1; ã Build/LMY47V)');
  });

  it('line 2 (raw bytes 0xFF 0xFE, already U+FFFD from the reader) parses, undated', () => {
    const hit = hitOf(GENERIC_JSON_FIELDS, '{"remote_addr":"203.0.113.13","request":"GET /\uFFFD\uFFFD HTTP/1.1","ua":"x"}');
    expect(hit).toMatchObject({ ip: '203.0.113.13', ts: NO_TIME, target: '/\uFFFD\uFFFD', ua: 'x' });
    // the reader sets the flag from the bytes; a literal U+FFFD in valid JSON is not bad UTF-8
    expect(hit.badUtf8).toBe(false);
  });
});

describe('log-03-ipv6-clients: the JSON line', () => {
  it('[addr]:port becomes the bare canonical address', () => {
    expect(hitOf(GENERIC_JSON_FIELDS, '{"remote_addr":"[2001:db8:5678::5a24]:43000","method":"GET","uri":"/.git/config","status":404}'))
      .toMatchObject({ ip: '2001:db8:5678::5a24', method: 'GET', target: '/.git/config', status: 404 });
  });

  it.each(['[2001', 'unknown', '-', ''])('remote_addr %j is a counted bad-address', (addr) => {
    expect(jsonLineParser(GENERIC_JSON_FIELDS)(`{"remote_addr":"${addr}","method":"GET","uri":"/","status":404}`, null)).toBe('bad-address');
  });
});

describe("Caddy's JSON access log (real lines: crowdsec caddy-basic-auth-bf)", () => {
  const lines = linesOf('caddy-basic-auth-bf/caddy-logs.log');

  it('reads all 6 lines with the peer, epoch-seconds time and array headers', () => {
    const hits = lines.map((l) => hitOf(CADDY_JSON_FIELDS, l));
    expect(hits).toHaveLength(6);
    expect(hits[0]).toEqual({
      ip: '127.0.0.1', ts: 1711741827963, method: 'GET', target: '/', protocol: 'HTTP/1.1', status: 401, bytes: 0,
      referer: '', ua: 'curl/7.88.1', host: 'localhost:9080', tag: null, raw: '', badUtf8: false,
    });
  });

  it('a repeated header becomes one comma-separated value; Caddy 2.4 remote_addr "ip:port" is accepted', () => {
    const headers = emptyHeaders();
    const hit = jsonLineParser(CADDY_JSON_FIELDS)('{"ts":1711741827.5,"request":{"remote_addr":"192.0.2.1:5555","proto":"HTTP/2.0","method":"GET","host":"www.example.com","uri":"/?a=1","headers":{"X-Forwarded-For":["203.0.113.1","198.51.100.1"],"User-Agent":["x"]}},"status":200,"size":12}', headers);
    expect(hit).toMatchObject({ ip: '192.0.2.1', ts: 1711741827500, target: '/?a=1', protocol: 'HTTP/2.0', status: 200, bytes: 12, ua: 'x' });
    expect(headers.forwardedFor).toBe('203.0.113.1, 198.51.100.1');
  });
});

describe("Traefik's JSON access log (real lines: crowdsec traefik_base-http-scenario)", () => {
  const lines = linesOf('traefik_base-http-scenario/traefik_base-http-scenario.log');

  it('reads all 80 lines', () => {
    const hits = lines.map((l) => hitOf(TRAEFIK_JSON_FIELDS, l));
    expect(hits).toHaveLength(80);
    expect(new Set(hits.map((h) => h.ip))).toEqual(new Set(['172.17.0.1']));
    expect(hits[2]).toEqual({
      ip: '172.17.0.1', ts: Date.UTC(2021, 11, 8, 14, 2, 43, 466), method: 'GET', target: '/594VAEoi.asp', protocol: 'HTTP/1.1',
      status: 404, bytes: 356, referer: '', ua: 'Nikto', host: 'test.docker.localhost', tag: null, raw: '', badUtf8: false,
    });
  });

  it('hands X-Real-Ip over as a client header', () => {
    const headers = emptyHeaders();
    jsonLineParser(TRAEFIK_JSON_FIELDS)(lines[0]!, headers);
    expect(headers).toEqual({ forwardedFor: null, realIp: '172.17.0.1', cdnIp: null });
  });
});

describe('a generic field map (the operator names the keys)', () => {
  // Envoy's JSON access log has whatever keys its json_format says; these are from crowdsec's Envoy tests
  const envoy = jsonFieldMapOf({ ip: 'downstream_remote_address', target: 'x-envoy-origin-path', host: ':authority' });

  it('reads an Envoy line behind a container runtime prefix', () => {
    const line = '2025-12-31T17:37:40.493035218+01:00 stdout F {"start_time":"2025-12-31T16:37:40.479Z","method":"GET","x-envoy-origin-path":"/admin","response_code":404,"user-agent":"Mozilla/5.0 zgrab/0.x","downstream_remote_address":"10.0.0.12:59292",":authority":"app.internal"}';
    expect(hitOf(envoy, line)).toEqual({
      ip: '10.0.0.12', ts: Date.UTC(2025, 11, 31, 16, 37, 40, 479), method: 'GET', target: '/admin', protocol: '', status: 404, bytes: 0,
      referer: '', ua: 'Mozilla/5.0 zgrab/0.x', host: 'app.internal', tag: null, raw: '', badUtf8: false,
    });
  });

  it('nested keys with dots, a list of candidates, and a key that itself contains a dot', () => {
    const map = jsonFieldMapOf({ ip: ['client.addr', 'peer'], time: 'when', target: 'http.path', method: 'http.verb', ua: 'http.ua' });
    expect(hitOf(map, '{"peer":"192.0.2.3","when":1796292000,"http":{"path":"/a","verb":"GET"},"http.ua":"flat"}'))
      .toMatchObject({ ip: '192.0.2.3', ts: Date.UTC(2026, 11, 3, 10), target: '/a', method: 'GET', ua: 'flat' });
  });

  it('refuses an unknown field name, listing the known ones', () => {
    expect(() => jsonFieldMapOf({ client: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_LOG_FORMAT', message: expect.stringContaining('unknown key "client"; known: ip, time') }));
  });
});

describe('JSON lines that cannot be read', () => {
  const parse = jsonLineParser(GENERIC_JSON_FIELDS);
  it.each([
    ['', 'blank'],
    ['not json at all', 'malformed'],
    ['{"remote_addr":"192.0.2.1",', 'malformed'],
    ['prefix {broken', 'malformed'],
    ['[1,2]', 'malformed'],
    ['{"request":"GET / HTTP/1.1"}', 'bad-address'],
    ['{"remote_addr":42}', 'bad-address'],
    ['{"remote_addr":"192.0.2.1","time":"yesterday"}', 'bad-time'],
    ['{"remote_addr":"192.0.2.1","time":{"a":1}}', 'bad-time'],
    ['{"remote_addr":"192.0.2.1","status":1000}', 'bad-status'],
    ['{"remote_addr":"192.0.2.1","status":"20x"}', 'bad-status'],
    ['{"remote_addr":"192.0.2.1","bytes":-5}', 'bad-bytes'],
    ['{"remote_addr":"192.0.2.1","bytes":1.5}', 'bad-bytes'],
  ])('%j → %s', (line, reason) => {
    expect(parse(line, null)).toBe(reason);
  });
});
