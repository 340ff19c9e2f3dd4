import type { Db } from '../snapshot/working-copy.ts';

/**
 * Keeps the snapshot small: requests older than the scoring window go, except those a signature
 * cites as evidence (a page must be able to show them); an actor that got new requests keeps at most
 * `maxHitsPerActor` of its newest requests besides its evidence. Per-day counts (actor_days) are
 * unaffected, so the charts keep the whole history. Returns the number of requests removed.
 *
 * Trade-off: an actor above the cap is re-scored on its retained requests only, so aggregate rules
 * (404 ratio, bursts) see the newest part of a very long history.
 */
export function pruneHits(db: Db, touched: readonly string[], windowStart: number, maxHitsPerActor: number): number {
  let removed = 0;
  db.transaction(() => {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS evidence(id INTEGER PRIMARY KEY)`);
    db.exec(`DELETE FROM evidence`);
    db.exec(`INSERT OR IGNORE INTO evidence(id) SELECT j.value FROM signatures s, json_each(s.request_ids) j`);
    removed += db.prepare(`DELETE FROM hits WHERE ts < ? AND id NOT IN (SELECT id FROM evidence)`).run(windowStart).changes;
    const over = db.prepare(`SELECT count(*) FROM hits WHERE actor = ?`).pluck();
    const cap = db.prepare(`DELETE FROM hits WHERE actor = ? AND id NOT IN (SELECT id FROM evidence)
      AND id NOT IN (SELECT id FROM hits WHERE actor = ? ORDER BY ts DESC, id DESC LIMIT ?)`);
    for (const actor of touched) {
      if ((over.get(actor) as number) > maxHitsPerActor) removed += cap.run(actor, actor, maxHitsPerActor).changes;
    }
    db.exec(`DELETE FROM evidence`);
  })();
  return removed;
}
