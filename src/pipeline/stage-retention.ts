import type { Db } from '../snapshot/working-copy.ts';

/**
 * Keeps the snapshot bounded. An actor whose newest request is more than the window older than
 * `over` (the newest time read, less the reorder slack: no request still to come can continue its
 * episode) starts afresh when seen again, so its detection state goes, and with it the stored
 * requests only that state could cite; the requests its signatures cite stay while the page does.
 * Returns the number of requests removed.
 */
export function pruneStates(db: Db, over: number): number {
  let removed = 0;
  db.transaction(() => {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS gone(key TEXT PRIMARY KEY)`);
    db.exec(`DELETE FROM gone`);
    db.prepare(`INSERT INTO gone(key) SELECT key FROM actor_state WHERE last_seen < ?`).run(over);
    db.exec(`DELETE FROM actor_state WHERE key IN (SELECT key FROM gone)`);
    db.exec(`DELETE FROM gone`);
    // requests of actors without a state that no signature cites (any more) are nobody's evidence
    removed = db.prepare(`DELETE FROM hits WHERE actor NOT IN (SELECT key FROM actor_state)
      AND id NOT IN (SELECT j.value FROM signatures s, json_each(s.request_ids) j)`).run().changes;
  })();
  return removed;
}
