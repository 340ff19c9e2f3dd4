import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/options.ts';

describe('--resolver HOST[:PORT]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-opts-'));
  const cfgFile = join(dir, 'pillory.config.yaml');
  writeFileSync(cfgFile, 'logs: [a.log]\nresolver: 192.0.2.53\n');

  it.each(['nightly', 'build', 'doctor'])('%s takes it over the config file', (command) => {
    expect(parseCli([command, '--config', cfgFile, '--resolver', '127.0.0.1:5353'], dir).config.resolver).toBe('127.0.0.1:5353');
  });

  it('the config file value stands without the flag; no value anywhere means the system resolver (null)', () => {
    expect(parseCli(['nightly', '--config', cfgFile], dir).config.resolver).toBe('192.0.2.53');
    const bare = mkdtempSync(join(tmpdir(), 'pillory-opts-'));
    expect(parseCli(['nightly', '--log', join(bare, 'a.log')], bare).config.resolver).toBeNull();
  });

  it('zones come from the config', () => {
    writeFileSync(join(dir, 'z.yaml'), 'logs: [a.log]\ndnsbl:\n  zones: [zen.spamhaus.org]\n');
    expect(parseCli(['nightly', '--config', join(dir, 'z.yaml')], dir).config.dnsbl.zones).toEqual(['zen.spamhaus.org']);
  });
});
