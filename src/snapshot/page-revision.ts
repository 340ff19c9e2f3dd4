// actors.page_rev: a random token that changes whenever a row a report page is made from changes —
// the actor's own row (its page columns), its addresses, signatures, evidence requests and DNSBL
// answers. SQLite triggers keep it, so every writer (the nightly stages, tools, a hand-made fix) is
// covered without knowing about it. The site build compares tokens with its previous manifest to tell
// which report pages may have changed without reading every actor's rows
// (src/site/page-inputs.ts); test/snapshot/page-revision.test.ts checks that any change the report
// reader can see moves the token.
import type Database from 'better-sqlite3';

type Db = Database.Database;

/**
 * Columns of actors that no report page shows: today's score and verdict (the home page and the
 * blocklists read those), bookkeeping, and the token itself. A change to any other column moves the token.
 */
export const NOT_ON_REPORT_PAGES = ['score', 'verdict', 'evidence_score', 'corroboration', 'excluded', 'updated_at', 'peak_at', 'shared', 'user_agents', 'page_rev'] as const;

/** Child tables a report page reads, keyed by actor, and their columns no page shows. */
const CHILD_TABLES: Record<string, readonly string[]> = {
  actor_ips: [],
  signatures: [],
  hits: [],
  // re-checked every night; the page shows since (when the answer last changed), not checked_at
  dnsbl: ['checked_at'],
};

const NEW_TOKEN = 'lower(hex(randomblob(8)))';
const TRIGGER_PREFIX = 'page_rev_';

const columnsOf = (db: Db, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const tableExists = (db: Db, table: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
const changed = (cols: string[]) => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');

/**
 * Adds actors.page_rev (a token for every actor that lacks one) and (re)creates the triggers from the
 * tables' current columns, so a column added later is watched too. Idempotent; run on every open.
 */
export function ensurePageRevisions(db: Db): void {
  if (!tableExists(db, 'actors')) return;
  if (!columnsOf(db, 'actors').includes('page_rev')) db.exec('ALTER TABLE actors ADD COLUMN page_rev TEXT');
  db.exec(`UPDATE actors SET page_rev = ${NEW_TOKEN} WHERE page_rev IS NULL`);
  const old = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '${TRIGGER_PREFIX}%'`).pluck().all() as string[];
  for (const name of old) db.exec(`DROP TRIGGER ${name}`);
  const bump = (who: string) => `UPDATE actors SET page_rev = ${NEW_TOKEN} WHERE key = ${who};`;
  const watched = columnsOf(db, 'actors').filter((c) => !(NOT_ON_REPORT_PAGES as readonly string[]).includes(c));
  db.exec(`CREATE TRIGGER ${TRIGGER_PREFIX}actors_insert AFTER INSERT ON actors BEGIN ${bump('NEW.key')} END;
    CREATE TRIGGER ${TRIGGER_PREFIX}actors_update AFTER UPDATE ON actors WHEN ${changed(watched)} BEGIN ${bump('NEW.key')} END;`);
  for (const [table, unseen] of Object.entries(CHILD_TABLES)) {
    if (!tableExists(db, table)) continue;
    const cols = columnsOf(db, table).filter((c) => !unseen.includes(c));
    db.exec(`CREATE TRIGGER ${TRIGGER_PREFIX}${table}_insert AFTER INSERT ON ${table} BEGIN ${bump('NEW.actor')} END;
      CREATE TRIGGER ${TRIGGER_PREFIX}${table}_delete AFTER DELETE ON ${table} BEGIN ${bump('OLD.actor')} END;
      CREATE TRIGGER ${TRIGGER_PREFIX}${table}_update AFTER UPDATE ON ${table} WHEN ${changed(cols)}
        BEGIN ${bump('OLD.actor')} ${bump('NEW.actor')} END;`);
  }
}
