import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slugOf } from '../../src/core/ip.ts';
import { openWorkingCopy, type WorkingCopy } from '../../src/snapshot/working-copy.ts';

/** A fresh snapshot copy holding the given actors, published unless listed in `unpublished`. */
export function snapshotWithActors(keys: string[], unpublished: string[] = []): WorkingCopy {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-dnsbl-'));
  const copy = openWorkingCopy(join(dir, 'snapshot.sqlite'));
  const ins = copy.db.prepare(`INSERT INTO actors(key, slug, family, requests, first_seen, last_seen, score, raw_score, peak_score, verdict, published, updated_at)
    VALUES (?, ?, ?, 1, 0, 0, 80, 80, 80, 'high', ?, 0)`);
  for (const k of keys) ins.run(k, slugOf(k), k.includes(':') ? 6 : 4, unpublished.includes(k) ? 0 : 1);
  return copy;
}
