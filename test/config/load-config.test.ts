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
});
