import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { PilloryError } from '../core/errors.ts';

export interface ExportRow {
  ip: string;
  requests: number;
  score: number;
  verdict: string;
  published: boolean;
  signatures: { id: string; points: number; requests: number }[];
  country: string | null;
  asn: number | null;
  network: string;
}

/** Every actor seen, scored or not, as plain rows for scripts and comparisons. */
export function* exportActors(dbPath: string): Generator<ExportRow> {
  if (!existsSync(dbPath)) throw new PilloryError('SNAPSHOT_MISSING', `no snapshot at ${dbPath}; run "pillory nightly" first or pass --db`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const sigs = db.prepare(`SELECT rule_id AS id, points, count AS requests FROM signatures WHERE actor = ? ORDER BY points DESC, rule_id`);
    const rows = db.prepare(`SELECT key, requests, score, verdict, published, country, asn, network_type FROM actors ORDER BY score DESC, key`).iterate() as Iterable<{
      key: string; requests: number; score: number; verdict: string; published: number; country: string | null; asn: number | null; network_type: string;
    }>;
    for (const r of rows) {
      yield {
        ip: r.key, requests: r.requests, score: r.score, verdict: r.verdict, published: r.published === 1,
        signatures: sigs.all(r.key) as ExportRow['signatures'], country: r.country, asn: r.asn, network: r.network_type,
      };
    }
  } finally {
    db.close();
  }
}
