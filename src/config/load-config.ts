import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { parse as parseYaml } from 'yaml';

import { configSchema, type Config } from './schema.ts';
import { PilloryError } from '../core/errors.ts';

/** Validate a raw object; the error names every bad field and what would be accepted. */
export function validateConfig(raw: unknown, source: string): Config {
  const r = configSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
  throw new PilloryError('CONFIG_INVALID', `${source} has ${lines.length} bad field(s):\n${lines.join('\n')}`);
}

/** Read a YAML or JSON config file; relative paths inside it are resolved against its folder. */
export function loadConfigFile(path: string): Config {
  if (!existsSync(path)) throw new PilloryError('CONFIG_MISSING', `config file not found: ${path}`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new PilloryError('CONFIG_UNREADABLE', `${path} is not valid YAML/JSON: ${(cause as Error).message}`, { cause });
  }
  const cfg = validateConfig(raw, path);
  return resolvePaths(cfg, dirname(resolve(path)));
}

function resolvePaths(cfg: Config, base: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...cfg,
    logs: cfg.logs.map(abs),
    db: abs(cfg.db),
    out: abs(cfg.out),
    geo: {
      city: cfg.geo.city && abs(cfg.geo.city), asn: cfg.geo.asn && abs(cfg.geo.asn),
      country: cfg.geo.country && abs(cfg.geo.country), torExitList: cfg.geo.torExitList && abs(cfg.geo.torExitList),
    },
    rdap: { ...cfg.rdap, bootstrapFile: cfg.rdap.bootstrapFile && abs(cfg.rdap.bootstrapFile) },
  };
}

