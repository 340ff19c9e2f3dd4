// The real tools the exports are written for, run on real files: nft and ipset and iptables inside a
// throwaway network namespace (so nothing touches the host's firewall), nginx -t, sh -n and bash -n.
// Each helper returns null when it cannot run, with the reason in `why`, so a test can skip saying so.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const which = (bin: string): string | null =>
  ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'].map((d) => path.join(d, bin)).find((p) => existsSync(p)) ?? null;

export const TOOLS = {
  nft: which('nft'),
  ipset: which('ipset'),
  iptables: which('iptables'),
  ip6tables: which('ip6tables'),
  nginx: which('nginx'),
  ip: which('ip'),
  unshare: which('unshare'),
  bash: which('bash'),
  sh: which('sh'),
};

export const INSTALL_HINT: Record<string, string> = {
  nft: 'apt-get install -y nftables',
  ipset: 'apt-get install -y ipset',
  iptables: 'apt-get install -y iptables',
  ip6tables: 'apt-get install -y iptables',
  nginx: 'apt-get install -y nginx-light',
  ip: 'apt-get install -y iproute2',
  bash: 'apt-get install -y bash',
};

/** Why a tool cannot be used here, or null when it can. */
export function missing(...tools: (keyof typeof TOOLS)[]): string | null {
  const absent = tools.filter((t) => !TOOLS[t]);
  return absent.length ? `${absent.join(', ')} not installed (${absent.map((t) => INSTALL_HINT[t] ?? t).join('; ')})` : null;
}

export type Run = SpawnSyncReturns<string>;

export interface Namespace {
  /** Runs a shell command line inside the namespace. */
  sh(script: string): Run;
  close(): void;
}

let serial = 0;

/**
 * A fresh network namespace: `ip netns add` as root, else an unprivileged user+network namespace
 * (`unshare -rn`, one per command, so state does not carry over between calls). Null with the reason
 * when neither is possible here.
 */
export function openNamespace(): { ns: Namespace | null; why: string } {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && TOOLS.ip) {
    const name = `pillory-test-${process.pid}-${++serial}`;
    const add = spawnSync(TOOLS.ip, ['netns', 'add', name], { encoding: 'utf8' });
    if (add.status === 0) {
      return {
        ns: {
          sh: (script) => spawnSync(TOOLS.ip!, ['netns', 'exec', name, 'sh', '-c', script], { encoding: 'utf8' }),
          close: () => void spawnSync(TOOLS.ip!, ['netns', 'del', name]),
        },
        why: '',
      };
    }
    return { ns: null, why: `ip netns add failed: ${add.stderr.trim()}` };
  }
  if (TOOLS.unshare) {
    const probe = spawnSync(TOOLS.unshare, ['-rn', 'true'], { encoding: 'utf8' });
    if (probe.status === 0) {
      return { ns: { sh: (script) => spawnSync(TOOLS.unshare!, ['-rn', 'sh', '-c', script], { encoding: 'utf8' }), close: () => {} }, why: '' };
    }
    return { ns: null, why: `not root and no user namespace (unshare -rn: ${probe.stderr.trim()})` };
  }
  return { ns: null, why: 'not root and neither ip nor unshare is installed (apt-get install -y iproute2 util-linux)' };
}

export function scratchDir(prefix = 'pillory-tools-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** nginx -t on a minimal configuration whose server block includes `file` (or holds `lines`). */
export function nginxTest(dir: string, include: { file?: string; lines?: string }): Run {
  const body = include.file ? `include ${include.file};` : include.lines!;
  const conf = path.join(dir, `nginx-${++serial}.conf`);
  writeFileSync(conf, `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp { access_log off; server { listen 127.0.0.1:8; ${body} } }\n`);
  return spawnSync(TOOLS.nginx!, ['-t', '-q', '-c', conf, '-p', dir], { encoding: 'utf8' });
}

/** `sh -n` and, when present, `bash -n` on a script. */
export function shellSyntax(file: string): Run[] {
  return [TOOLS.sh, TOOLS.bash].filter((b): b is string => b !== null).map((b) => spawnSync(b, ['-n', file], { encoding: 'utf8' }));
}

/** Single-quotes a path for a shell command line. */
export const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
