import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { PilloryError } from '../core/errors.ts';
import type { DnsblStatus } from '../core/types.ts';

export interface ExportRow {
  ip: string;
  requests: number;
  score: number;
  verdict: string;
  published: boolean;
  signatures: { id: string; points: number; requests: number }[];
  country: string | null;
  asn: number | null;
  /** Network type (hosting, residential, mobile, education, cdn-proxy-vpn, tor, unknown). */
  network: string;
  /** Why that type, e.g. "AS16509 (Amazon.com, Inc.) is a cloud provider"; null for unknown. */
  network_reason: string | null;
  /** Latest outcome per blocklist zone (published actors only; empty when never checked). */
  dnsbl: Record<string, { status: DnsblStatus; meaning: string }>;
  /** The network's abuse mailbox from RDAP, or null. */
  abuse: { email: string; source: string | null } | null;
}

/** Every actor seen, scored or not, as plain rows for scripts and comparisons. */
export function* exportActors(dbPath: string): Generator<ExportRow> {
  if (!existsSync(dbPath)) throw new PilloryError('SNAPSHOT_MISSING', `no snapshot at ${dbPath}; run "pillory nightly" first or pass --db`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    // a snapshot written before abuse contacts existed has no such columns
    const cols = new Set((db.prepare(`PRAGMA table_info(actors)`).all() as { name: string }[]).map((c) => c.name));
    const abuseCols = cols.has('abuse_email') ? 'abuse_email, abuse_source' : 'NULL AS abuse_email, NULL AS abuse_source';
    const sigs = db.prepare(`SELECT rule_id AS id, points, count AS requests FROM signatures WHERE actor = ? ORDER BY points DESC, rule_id`);
    const dnsbl = db.prepare(`SELECT zone, status, meaning FROM dnsbl WHERE actor = ? ORDER BY zone`);
    const rows = db.prepare(`SELECT key, requests, score, verdict, published, country, asn, network_type, network_reason, ${abuseCols} FROM actors ORDER BY score DESC, key`).iterate() as Iterable<{
      key: string; requests: number; score: number; verdict: string; published: number; country: string | null; asn: number | null;
      network_type: string; network_reason: string | null; abuse_email: string | null; abuse_source: string | null;
    }>;
    const hasStates = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='actor_state'`).get() !== undefined;
    for (const r of rows) {
      const lists: ExportRow['dnsbl'] = {};
      for (const d of dnsbl.all(r.key) as { zone: string; status: DnsblStatus; meaning: string }[]) lists[d.zone] = { status: d.status, meaning: d.meaning };
      yield {
        ip: r.key, requests: r.requests, score: r.score, verdict: r.verdict, published: r.published === 1,
        signatures: sigs.all(r.key) as ExportRow['signatures'], country: r.country, asn: r.asn, network: r.network_type,
        network_reason: r.network_reason, dnsbl: lists, abuse: r.abuse_email ? { email: r.abuse_email, source: r.abuse_source } : null,
      };
    }
    if (!hasStates) return;
    // every other actor seen: nothing fired, nothing looked up (only detection state is kept for them)
    const others = db.prepare(`SELECT key, requests FROM actor_state WHERE key NOT IN (SELECT key FROM actors) ORDER BY key`).iterate() as Iterable<{ key: string; requests: number }>;
    for (const r of others) {
      yield { ip: r.key, requests: r.requests, score: 0, verdict: 'none', published: false, signatures: [], country: null, asn: null, network: 'unknown', network_reason: null, dnsbl: {}, abuse: null };
    }
  } finally {
    db.close();
  }
}
