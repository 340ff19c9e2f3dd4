// Every export format of a list of published actors. Pure: entries and a header in, file text out.
// Keys are canonical addresses/networks from the snapshot; reasons are rule ids and taxonomy labels,
// never log text. Each file says when its content last changed and under which licence.
import type { ActorSummary, Reasons } from '../lib/snapshot-types.ts';
import { aggregateCidrs } from './cidr.ts';

export interface ExportEntry {
  actor: ActorSummary;
  reasons: Reasons;
  /** Absolute URL of the report page. */
  url: string;
}

export interface ExportHeader {
  siteName: string;
  /** e.g. "all published addresses", "country NL", "AS64500". */
  scope: string;
  /** Short identifier for set, table and chain names: "all", "cc-nl", "as64500". */
  id: string;
  /**
   * When this list's content last changed (a member's publication or newest request, or a removal):
   * a list that did not change is the same file the next night, so a CDN sync leaves it alone.
   */
  updatedAt: number;
  licence: string;
  /** Absolute URL of the site. */
  source: string;
}

export const EXPORT_FILES = [
  'all.txt', 'ipv4.txt', 'ipv6.txt', 'cidr-ipv4.txt', 'cidr-ipv6.txt', 'nginx-deny.conf', 'ipset.restore',
  'nftables.nft', 'iptables.sh', 'blocklist.csv', 'blocklist.json', 'added.txt', 'removed.txt',
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export const EXPORT_DESCRIPTIONS: Record<ExportFile, string> = {
  'all.txt': 'every address and network, one per line',
  'ipv4.txt': 'IPv4 addresses, one per line',
  'ipv6.txt': 'IPv6 addresses and /64 networks, one per line',
  'cidr-ipv4.txt': 'IPv4, merged into the fewest CIDR blocks',
  'cidr-ipv6.txt': 'IPv6, merged into the fewest CIDR blocks',
  'nginx-deny.conf': 'nginx include with one deny line per block',
  'ipset.restore': 'ipset restore file (hash:net sets for IPv4 and IPv6)',
  'nftables.nft': 'nftables table with interval sets and a drop rule (nft -f)',
  'iptables.sh': 'POSIX shell script for iptables and ip6tables',
  'blocklist.csv': 'CSV with scores, verdicts, dates and reasons',
  'blocklist.json': 'JSON with scores, verdicts, dates and reasons',
  'added.txt': 'published for the first time by the latest run, with reasons',
  'removed.txt': 'taken off the list by the latest run, with reasons',
};

export const EXPORT_TYPES: Record<ExportFile, string> = {
  'all.txt': 'text/plain', 'ipv4.txt': 'text/plain', 'ipv6.txt': 'text/plain', 'cidr-ipv4.txt': 'text/plain',
  'cidr-ipv6.txt': 'text/plain', 'nginx-deny.conf': 'text/plain', 'ipset.restore': 'text/plain',
  'nftables.nft': 'text/plain', 'iptables.sh': 'text/plain', 'blocklist.csv': 'text/csv',
  'blocklist.json': 'application/json', 'added.txt': 'text/plain', 'removed.txt': 'text/plain',
};

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? '' : new Date(ms).toISOString());

/** "#"-comment header shared by the line-based formats. */
export function commentHeader(h: ExportHeader, what: string): string {
  return [
    `# ${h.siteName}: ${what} (${h.scope})`,
    `# Updated: ${iso(h.updatedAt)} (when this list last changed; it is checked every night)`,
    `# Licence: ${h.licence}`,
    `# Source: ${h.source}`,
    '',
  ].map((l) => (l ? l.replace(/[\r\n]/g, ' ') : l)).join('\n');
}

const keysOf = (entries: readonly ExportEntry[], family?: 4 | 6) =>
  entries.filter((e) => family === undefined || e.actor.family === family).map((e) => e.actor.key);

/** Names for sets, tables and chains: [a-z0-9-], short enough for ipset (31) and iptables (28). */
export function objectName(h: ExportHeader, suffix: string): string {
  return `pillory-${h.id}`.replace(/[^a-z0-9-]/g, '').slice(0, 22) + suffix;
}

function plain(entries: readonly ExportEntry[], h: ExportHeader, family: 4 | 6 | undefined, what: string): string {
  return commentHeader(h, what) + keysOf(entries, family).map((k) => `${k}\n`).join('');
}

function cidr(entries: readonly ExportEntry[], h: ExportHeader, family: 4 | 6): string {
  return commentHeader(h, `IPv${family} CIDR blocks`) + aggregateCidrs(keysOf(entries, family), family).map((k) => `${k}\n`).join('');
}

function nginx(entries: readonly ExportEntry[], h: ExportHeader): string {
  const blocks = [...aggregateCidrs(keysOf(entries, 4), 4), ...aggregateCidrs(keysOf(entries, 6), 6)];
  return `${commentHeader(h, 'nginx deny include')}# include this file in an http, server or location block\n${blocks.map((b) => `deny ${b};\n`).join('')}`;
}

function ipset(entries: readonly ExportEntry[], h: ExportHeader): string {
  const v4 = objectName(h, '-v4');
  const v6 = objectName(h, '-v6');
  const lines = [
    `create ${v4} hash:net family inet hashsize 1024 maxelem 1048576 -exist`,
    `create ${v6} hash:net family inet6 hashsize 1024 maxelem 1048576 -exist`,
    `flush ${v4}`,
    `flush ${v6}`,
    ...aggregateCidrs(keysOf(entries, 4), 4).map((k) => `add ${v4} ${k} -exist`),
    ...aggregateCidrs(keysOf(entries, 6), 6).map((k) => `add ${v6} ${k} -exist`),
  ];
  return `${commentHeader(h, 'ipset restore file')}# ipset restore < ipset.restore\n${lines.join('\n')}\n`;
}

function nftables(entries: readonly ExportEntry[], h: ExportHeader): string {
  const table = objectName(h, '').replace(/-/g, '_');
  const set = (name: string, type: string, elems: string[]) =>
    `  set ${name} {\n    type ${type}\n    flags interval\n${elems.length ? `    elements = {\n${elems.map((e) => `      ${e},`).join('\n')}\n    }\n` : ''}  }\n`;
  return `${commentHeader(h, 'nftables ruleset')}# nft -f nftables.nft  (re-running replaces the table)
table inet ${table}
delete table inet ${table}
table inet ${table} {
${set('blocked_v4', 'ipv4_addr', aggregateCidrs(keysOf(entries, 4), 4))}${set('blocked_v6', 'ipv6_addr', aggregateCidrs(keysOf(entries, 6), 6))}  chain input {
    type filter hook input priority filter - 10; policy accept;
    ip saddr @blocked_v4 drop
    ip6 saddr @blocked_v6 drop
  }
}
`;
}

function iptables(entries: readonly ExportEntry[], h: ExportHeader): string {
  const chain = objectName(h, '').toUpperCase().replace(/-/g, '_');
  const part = (cmd: string, blocks: string[]) => [
    `${cmd} -N ${chain} 2>/dev/null || ${cmd} -F ${chain}`,
    ...blocks.map((b) => `${cmd} -A ${chain} -s ${b} -j DROP`),
    `${cmd} -C INPUT -j ${chain} 2>/dev/null || ${cmd} -I INPUT -j ${chain}`,
  ];
  return `#!/bin/sh
${commentHeader(h, 'iptables script')}set -eu
${[...part('iptables', aggregateCidrs(keysOf(entries, 4), 4)), ...part('ip6tables', aggregateCidrs(keysOf(entries, 6), 6))].join('\n')}
`;
}

/** RFC 4180 field; a leading formula character is defused for spreadsheets. */
export function csvField(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS = ['address', 'score', 'verdict', 'first_seen', 'last_seen', 'requests', 'country', 'asn', 'org', 'rules', 'labels', 'report', 'updated', 'licence'];

function csv(entries: readonly ExportEntry[], h: ExportHeader): string {
  const rows = entries.map((e) => [
    e.actor.key, e.actor.score, e.actor.verdict, iso(e.actor.firstSeen), iso(e.actor.lastSeen), e.actor.requests,
    e.actor.country, e.actor.asn, e.actor.org, e.reasons.rules.join(';'), e.reasons.labels.join(';'), e.url,
    iso(h.updatedAt), h.licence,
  ].map(csvField).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function jsonDocument(entries: readonly ExportEntry[], h: ExportHeader) {
  return {
    updated: iso(h.updatedAt),
    licence: h.licence,
    source: h.source,
    scope: h.scope,
    count: entries.length,
    entries: entries.map((e) => ({
      address: e.actor.key,
      family: e.actor.family,
      score: e.actor.score,
      verdict: e.actor.verdict,
      first_seen: iso(e.actor.firstSeen),
      last_seen: iso(e.actor.lastSeen),
      first_published: iso(e.actor.firstPublished) || null,
      requests: e.actor.requests,
      country: e.actor.country,
      asn: e.actor.asn,
      org: e.actor.org,
      network_type: e.actor.networkType,
      rules: e.reasons.rules,
      labels: e.reasons.labels,
      report: e.url,
    })),
  };
}

function changes(lines: readonly { key: string; reason: string }[] | null, h: ExportHeader, what: string): string {
  const head = commentHeader(h, what);
  if (lines === null) return `${head}# not available: this snapshot does not record removals yet\n`;
  return head + lines.map((l) => `${l.key} # ${l.reason.replace(/[\r\n#]/g, ' ')}\n`).join('');
}

export interface ExportInput {
  entries: readonly ExportEntry[];
  added: readonly ExportEntry[];
  /** null when the snapshot cannot say what was removed. */
  removed: readonly { key: string; reason: string }[] | null;
  header: ExportHeader;
}

export function renderExport(file: ExportFile, input: ExportInput, json: (v: unknown) => string): string {
  const { entries, header: h } = input;
  switch (file) {
    case 'all.txt': return plain(entries, h, undefined, 'addresses and networks');
    case 'ipv4.txt': return plain(entries, h, 4, 'IPv4 addresses');
    case 'ipv6.txt': return plain(entries, h, 6, 'IPv6 addresses and networks');
    case 'cidr-ipv4.txt': return cidr(entries, h, 4);
    case 'cidr-ipv6.txt': return cidr(entries, h, 6);
    case 'nginx-deny.conf': return nginx(entries, h);
    case 'ipset.restore': return ipset(entries, h);
    case 'nftables.nft': return nftables(entries, h);
    case 'iptables.sh': return iptables(entries, h);
    case 'blocklist.csv': return csv(entries, h);
    case 'blocklist.json': return `${json(jsonDocument(entries, h))}\n`;
    case 'added.txt': return changes(input.added.map((e) => ({ key: e.actor.key, reason: e.reasons.labels.join(', ') || 'published' })), h, 'added since the previous run');
    case 'removed.txt': return changes(input.removed, h, 'removed since the previous run');
  }
}
