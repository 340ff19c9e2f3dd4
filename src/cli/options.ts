import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, type Config } from '../config/schema.ts';
import { loadConfigFile, validateConfig } from '../config/load-config.ts';
import { PilloryError } from '../core/errors.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The bundled demo (real Apache-2.0 logs) that `npm run build` uses when nothing else is configured. */
export const DEMO_CONFIG = resolve(REPO_ROOT, 'data/demo/pillory.config.yaml');

const OPTIONS = {
  config: { type: 'string' },
  log: { type: 'string', multiple: true },
  format: { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  offline: { type: 'boolean' },
  'as-of': { type: 'string' },
  'score-private': { type: 'boolean' },
  resolver: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliOptions {
  command: string;
  config: Config;
  /** True when no logs were named anywhere and the bundled demo logs are used. */
  demo: boolean;
  help: boolean;
}

/**
 * Flags override the config file, which overrides defaults. `--log a b c` and `--log a --log b`
 * both work: words after a command that are not flags are taken as more log files.
 */
export function parseCli(argv: string[], cwd = process.cwd()): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new PilloryError('BAD_ARGS', `${(e as Error).message}. Run "pillory --help" for the options.`);
  }
  const { values: v, positionals } = parsed;
  const [command = 'help', ...rest] = positionals;
  const logs = [...(v.log ?? []), ...rest].map((p) => resolve(cwd, p));
  const localCfg = resolve(cwd, 'pillory.config.yaml');
  const cfgPath = v.config ? resolve(cwd, v.config) : existsSync(localCfg) ? localCfg : null;
  const demo = cfgPath === null && logs.length === 0;
  const base = cfgPath ? loadConfigFile(cfgPath) : demo ? loadConfigFile(DEMO_CONFIG) : validateConfig({}, 'defaults');
  const config: Config = {
    ...base,
    logs: logs.length ? logs : base.logs,
    format: v.format ?? base.format,
    db: v.db ? resolve(cwd, v.db) : resolve(cwd, base.db),
    out: v.out ? resolve(cwd, v.out) : resolve(cwd, base.out),
    offline: v.offline ?? base.offline,
    asOf: v['as-of'] ?? base.asOf,
    scorePrivate: v['score-private'] ?? base.scorePrivate,
    resolver: v.resolver ?? base.resolver,
  };
  if (v.format !== undefined) {
    const problem = formatProblem(v.format, config.jsonFields);
    if (problem) throw new PilloryError('BAD_ARGS', `--format: ${problem}`);
  }
  return { command, config, demo, help: v.help ?? false };
}

export const USAGE = `pillory — access logs in, evidence-backed threat-report site out

Usage:
  pillory nightly [--log FILE…] [options]   ingest, score, enrich, check DNSBLs, write the snapshot
  pillory build   [--log FILE…] [options]   nightly, then the static site into --out (default dist/)
  pillory export  [--db FILE]               one JSON line per actor seen (scored or not)
  pillory doctor  [options]                 check inputs, geo databases, the resolver and each DNSBL zone

Options:
  --config FILE        YAML/JSON config (default: ./pillory.config.yaml when present)
  --log FILE…          access logs (plain, rotated, .gz); with no logs and no config, the bundled demo
  --format FORMAT      combined (default), common, vhost_combined, nginx_main, json, nginx_json,
                       caddy, traefik, or an nginx log_format / Apache LogFormat string in quotes
  --db FILE            snapshot file (default .pillory/snapshot.sqlite); runs accumulate
  --out DIR            site output (default dist)
  --as-of WHEN         now (default), newest (the newest log line; default for the demo) or an ISO time
  --offline            no network lookups: DNSBLs "not checked", crawler claims unverified
  --score-private      also score private/loopback addresses (never published)
  --resolver HOST[:PORT]  DNS resolver for DNSBLs and crawler checks (default: the system's, from /etc/resolv.conf)
`;
