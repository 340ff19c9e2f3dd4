import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfigFile, validateConfig } from '../../src/config/load-config.ts';

describe('config', () => {
  it('defaults', () => {
    const c = validateConfig({}, 'defaults');
    expect(c.publishThreshold).toBe(60);
    expect(c.halfLifeDays).toBe(30);
    expect(c.ipv6Prefix).toBe(64);
    expect(c.dnsbl.timeoutMs).toBe(2000);
    expect(c.resolver).toBeNull();
  });

  it('names every bad field in one error', () => {
    expect(() => validateConfig({ publishThreshold: 200, nope: 1, site: { url: 'bad' } }, 'my.yaml')).toThrow(
      /my\.yaml has 3 bad field\(s\):\n {2}- site\.url: Invalid URL\n {2}- publishThreshold: Too big.*\n {2}- \(top level\): Unrecognized key: "nope"/,
    );
  });

  it('resolves paths against the config file folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-cfg-'));
    writeFileSync(join(dir, 'c.yaml'), 'logs: [logs/a.log]\ndb: state/s.sqlite\ngeo: { city: /abs/City.mmdb }\n');
    const c = loadConfigFile(join(dir, 'c.yaml'));
    expect(c.logs).toEqual([join(dir, 'logs/a.log')]);
    expect(c.db).toBe(join(dir, 'state/s.sqlite'));
    expect(c.geo.city).toBe('/abs/City.mmdb');
    expect(c.geo.asn).toBeNull();
  });

  it('says when the file is not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-cfg-'));
    writeFileSync(join(dir, 'c.yaml'), 'logs: [unclosed\n');
    expect(() => loadConfigFile(join(dir, 'c.yaml'))).toThrow(/c\.yaml is not valid YAML\/JSON/);
  });

  it('takes an nginx log_format string, an Apache LogFormat string, a JSON field map and CDN names from YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pillory-cfg-'));
    writeFileSync(join(dir, 'nginx.yaml'), [
      `format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`,
      'trustedProxies: [192.0.2.1]',
      'cdnRanges: [cloudflare, fastly]',
    ].join('\n'));
    expect(loadConfigFile(join(dir, 'nginx.yaml'))).toMatchObject({
      format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time',
      trustedProxies: ['192.0.2.1'], cdnRanges: ['cloudflare', 'fastly'], jsonFields: {},
    });
    writeFileSync(join(dir, 'apache.yaml'), 'format: "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\""\n');
    expect(loadConfigFile(join(dir, 'apache.yaml')).format).toBe('%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"');
    writeFileSync(join(dir, 'json.yaml'), 'format: json\njsonFields:\n  ip: downstream_remote_address\n  target: [x-envoy-original-path, path]\n');
    expect(loadConfigFile(join(dir, 'json.yaml')).jsonFields).toEqual({ ip: 'downstream_remote_address', target: ['x-envoy-original-path', 'path'] });
  });

  it.each([
    [{ format: '$remote_user "$request"' }, /- format: log format "\$remote_user \\"\$request\\"": no client address field/],
    [{ format: 'apache' }, /- format: log format "apache" is not known; use one of combined, common/],
    [{ format: 'combined', jsonFields: { ip: 'addr' } }, /- format: jsonFields is set, but format "combined" is not a JSON format/],
    [{ format: 'json', jsonFields: { addr: 'x' } }, /- jsonFields: Unrecognized key: "addr"/],
    [{ cdnRanges: ['Cloud Flare'] }, /- cdnRanges\.0: /],
    [{ format: '' }, /- format: /],
  ])('refuses %j, naming the field', (raw, message) => {
    expect(() => validateConfig(raw, 'c.yaml')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }));
  });
});
