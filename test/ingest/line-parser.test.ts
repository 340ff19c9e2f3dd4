import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, lineParserFor, NGINX_MAIN } from '../../src/ingest/line-parser.ts';
import { emptyHeaders } from '../../src/ingest/build-hit.ts';

const COMBINED = '192.0.2.1 - - [03/Dec/2026:10:00:00 +0000] "GET /a HTTP/1.1" 404 5 "-" "curl/8.5.0" "198.51.100.9"';

describe('lineParserFor', () => {
  it('knows exactly these names', () => {
    expect(FORMAT_NAMES).toEqual(['combined', 'common', 'vhost_combined', 'nginx_main', 'json', 'nginx_json', 'caddy', 'traefik']);
  });

  it.each([
    ['combined', COMBINED, { ip: '192.0.2.1', target: '/a', ua: 'curl/8.5.0' }],
    ['common', COMBINED, { ip: '192.0.2.1', target: '/a', ua: '' }],
    ['vhost_combined', `www.example.com:80 ${COMBINED}`, { host: 'www.example.com', ua: 'curl/8.5.0' }],
    ['nginx_main', COMBINED, { ip: '192.0.2.1', ua: 'curl/8.5.0' }],
    [' combined ', COMBINED, { ip: '192.0.2.1' }],
    ['json', '{"remote_addr":"192.0.2.2","request":"GET / HTTP/1.1","status":200}', { ip: '192.0.2.2', status: 200 }],
    ['nginx_json', '{"remote_addr":"192.0.2.2","request":"GET / HTTP/1.1","status":200}', { ip: '192.0.2.2', status: 200 }],
    ['caddy', '{"ts":1,"request":{"remote_ip":"192.0.2.3","method":"GET","uri":"/c"},"status":200}', { ip: '192.0.2.3', target: '/c' }],
    ['traefik', '{"ClientHost":"192.0.2.4","RequestMethod":"GET","RequestPath":"/t","DownstreamStatus":200}', { ip: '192.0.2.4', target: '/t' }],
    ['%h %l %u %t "%r" %>s %b', COMBINED, { ip: '192.0.2.1', status: 404, bytes: 5 }],
    ['$remote_addr - $remote_user [$time_local] "$request" $status', COMBINED, { ip: '192.0.2.1', status: 404 }],
  ])('%j', (format, line, want) => {
    expect(lineParserFor(format)(line, null)).toMatchObject(want);
  });

  it('nginx_main hands over "$http_x_forwarded_for", the same as combined does', () => {
    for (const f of ['nginx_main', 'combined', NGINX_MAIN]) {
      const headers = emptyHeaders();
      lineParserFor(f)(COMBINED, headers);
      expect(headers.forwardedFor, f).toBe('198.51.100.9');
    }
  });

  it('applies jsonFields over a JSON preset', () => {
    expect(lineParserFor('caddy', { ip: 'peer' })('{"peer":"192.0.2.9","request":{"method":"GET","uri":"/"}}', null)).toMatchObject({ ip: '192.0.2.9' });
  });

  it.each([
    ['nginx-json', {}, 'log format "nginx-json" is not known; use one of combined, common, vhost_combined, nginx_main, json, nginx_json, caddy, traefik'],
    ['toString', {}, 'log format "toString" is not known'],
    ['combined', { ip: 'x' }, 'jsonFields is set, but format "combined" is not a JSON format'],
    ['json', { addr: 'x' }, 'jsonFields: unknown key "addr"'],
  ])('refuses %j with %j', (format, fields, message) => {
    expect(() => lineParserFor(format, fields)).toThrow(expect.objectContaining({ code: 'CONFIG_LOG_FORMAT', message: expect.stringContaining(message) }));
  });
});

describe('the README examples', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const formats = [...readme.matchAll(/^format: '(.+)'$/gm)].map((m) => m[1]!);

  it('shows three format strings', () => {
    expect(formats).toHaveLength(3);
  });

  it.each(formats)('%s compiles', (format) => {
    expect(() => lineParserFor(format)).not.toThrow();
  });

  it('the Envoy jsonFields example reads an Envoy line', () => {
    const yaml = /^jsonFields: (\{.+\})$/m.exec(readme)![1]!;
    const fields = parseYaml(yaml) as Record<string, string | string[]>;
    expect(lineParserFor('json', fields)('{"start_time":"2025-12-31T16:37:40.479Z","method":"GET","path":"/admin","response_code":404,"downstream_remote_address":"192.0.2.12:59292",":authority":"app.example"}', null))
      .toMatchObject({ ip: '192.0.2.12', target: '/admin', host: 'app.example', status: 404 });
  });
});
