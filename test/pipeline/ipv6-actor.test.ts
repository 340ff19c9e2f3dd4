// An IPv6 actor is its /64 (configurable): a scanner rotating addresses inside its /64 adds up to one
// actor whose page lists the addresses seen; with ipv6Prefix 128 each address stands alone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.ts';
import { runNightly } from '../../src/pipeline/nightly.ts';

const LINES = [
  ['2001:db8:1:2::a', '/wp-login.php'],
  ['2001:db8:1:2::b', '/administrator/'],
  ['2001:db8:1:2:ffff::c', '/phpmyadmin/'],
].map(([ip, path], i) => `${ip} - - [03/Dec/2026:03:00:0${i} +0000] "GET ${path} HTTP/1.1" 404 100 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"`).join('\n') + '\n';

async function actorsWith(ipv6Prefix: number) {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-v6-'));
  writeFileSync(join(dir, 'access.log'), LINES);
  const cfg = validateConfig({ logs: [join(dir, 'access.log')], db: join(dir, 's.sqlite'), asOf: 'newest', offline: true, scorePrivate: true, ipv6Prefix }, 'test');
  (await runNightly(cfg, { now: () => Date.UTC(2026, 11, 3, 4), log: () => {} })).copy.publish();
  const db = new Database(cfg.db, { readonly: true });
  const actors = db.prepare(`SELECT key, raw_score AS score FROM actors ORDER BY key`).all();
  const ips = db.prepare(`SELECT actor, ip FROM actor_ips ORDER BY actor, ip`).all();
  db.close();
  return { actors, ips };
}

describe('IPv6 actors', () => {
  it('default /64: three rotating addresses are one actor with a wide admin sweep (60), addresses listed', async () => {
    const { actors, ips } = await actorsWith(64);
    expect(actors).toEqual([{ key: '2001:db8:1:2::/64', score: 60 }]);
    expect(ips).toEqual([
      { actor: '2001:db8:1:2::/64', ip: '2001:db8:1:2::a' },
      { actor: '2001:db8:1:2::/64', ip: '2001:db8:1:2::b' },
      { actor: '2001:db8:1:2::/64', ip: '2001:db8:1:2:ffff::c' },
    ]);
  });

  it('ipv6Prefix 128: each address is its own actor with one admin probe (25)', async () => {
    const { actors } = await actorsWith(128);
    expect(actors).toEqual([
      { key: '2001:db8:1:2::a', score: 25 },
      { key: '2001:db8:1:2::b', score: 25 },
      { key: '2001:db8:1:2:ffff::c', score: 25 },
    ]);
  });
});
