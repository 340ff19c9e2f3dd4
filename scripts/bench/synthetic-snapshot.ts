// A synthetic snapshot of N published actors for the site benchmark. Each actor is a copy of one
// of the published actors of a real snapshot (the demo's, built from the bundled logs), so its
// signatures, evidence requests, DNSBL rows and charts are realistic; addresses, countries,
// networks, dates and scores are spread with a seeded generator so every page is different and
// the country / network pages have realistic sizes.
import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import { actorKeyOf, canonicalIp, isNonPublic, slugOf } from '../../src/core/ip.ts';
import { ensurePageRevisions } from '../../src/snapshot/page-revision.ts';
import { prng } from './prng.ts';

type Row = Record<string, unknown>;
const DAY = 86_400_000;

const COUNTRIES: [string, string][] = [
  ['CN', 'China'], ['US', 'United States'], ['RU', 'Russia'], ['DE', 'Germany'], ['NL', 'Netherlands'], ['FR', 'France'],
  ['BR', 'Brazil'], ['IN', 'India'], ['VN', 'Vietnam'], ['GB', 'United Kingdom'], ['KR', 'South Korea'], ['SG', 'Singapore'],
  ['ID', 'Indonesia'], ['TW', 'Taiwan'], ['UA', 'Ukraine'], ['IR', 'Iran'], ['TR', 'Turkey'], ['JP', 'Japan'], ['CA', 'Canada'],
  ['PL', 'Poland'], ['IT', 'Italy'], ['HK', 'Hong Kong'], ['BG', 'Bulgaria'], ['RO', 'Romania'], ['TH', 'Thailand'],
  ['AR', 'Argentina'], ['MX', 'Mexico'], ['ZA', 'South Africa'], ['EG', 'Egypt'], ['PK', 'Pakistan'], ['BD', 'Bangladesh'],
  ['ES', 'Spain'], ['SE', 'Sweden'], ['CZ', 'Czechia'], ['LT', 'Lithuania'], ['SC', 'Seychelles'], ['PA', 'Panama'],
  ['AU', 'Australia'], ['CL', 'Chile'], ['CO', 'Colombia'],
];
const NETWORK_TYPES = ['hosting', 'hosting', 'hosting', 'residential', 'unknown', 'mobile', 'education', 'cdn-proxy-vpn'];

export interface SyntheticOptions {
  /** A snapshot with at least one published actor (the templates). */
  base: string;
  out: string;
  actors: number;
  seed?: number;
  /** The snapshot's "now"; pages are dated relative to it. */
  asOf?: number;
}

interface Template { actor: Row; hits: Row[]; sigs: Row[]; days: Row[]; ips: Row[]; dnsbl: Row[] }

function templatesOf(db: Database.Database): Template[] {
  const actors = db.prepare(`SELECT * FROM actors WHERE published = 1 ORDER BY key`).all() as Row[];
  if (actors.length === 0) throw new Error('the base snapshot has no published actor to copy');
  // schema 1 kept per-day counts in actor_days; schema 2 keeps the chart counts in actors.activity
  const hasDays = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actor_days'`).get() !== undefined;
  return actors.map((actor) => ({
    actor,
    hits: db.prepare(`SELECT * FROM hits WHERE actor = ? ORDER BY id`).all(actor.key) as Row[],
    sigs: db.prepare(`SELECT * FROM signatures WHERE actor = ?`).all(actor.key) as Row[],
    days: hasDays ? db.prepare(`SELECT * FROM actor_days WHERE actor = ?`).all(actor.key) as Row[] : [],
    ips: db.prepare(`SELECT * FROM actor_ips WHERE actor = ?`).all(actor.key) as Row[],
    dnsbl: db.prepare(`SELECT * FROM dnsbl WHERE actor = ?`).all(actor.key) as Row[],
  }));
}

function insertOf(db: Database.Database, table: string, cols: string[]): Database.Statement {
  return db.prepare(`INSERT INTO ${table}(${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
}

/** A unique public address: IPv4 mostly, every tenth an IPv6 /64 network. */
function addressMaker(rand: () => number): () => { key: string; ips: string[] } {
  const used = new Set<string>();
  const byte = () => Math.floor(rand() * 256);
  return () => {
    for (;;) {
      if (rand() < 0.1) {
        const g = () => Math.floor(rand() * 0x10000).toString(16);
        const net = `2a0${Math.floor(rand() * 10)}:${g()}:${g()}:${g()}`;
        const ips = [`${net}::${g()}`, `${net}:${g()}::1`].map((ip) => canonicalIp(ip)).filter((ip): ip is string => ip !== null);
        if (ips.length === 0 || isNonPublic(ips[0]!)) continue;
        const key = actorKeyOf(ips[0]!, 64);
        if (used.has(key)) continue;
        used.add(key);
        return { key, ips };
      }
      // cluster addresses in /24s so "same /24" neighbours exist
      const ip = `${1 + Math.floor(rand() * 222)}.${byte()}.${Math.floor(rand() * 40)}.${1 + Math.floor(rand() * 254)}`;
      if (used.has(ip) || isNonPublic(ip)) continue;
      used.add(ip);
      return { key: ip, ips: [ip] };
    }
  };
}

/**
 * Writes `out`: the base snapshot's schema and meta, with its actors replaced by `actors` copies
 * of its published ones. Returns the keys written, in order.
 */
export function makeSyntheticSnapshot(o: SyntheticOptions): string[] {
  rmSync(o.out, { force: true });
  copyFileSync(o.base, o.out);
  const db = new Database(o.out);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const rand = prng(o.seed ?? 1);
  const templates = templatesOf(db);
  const asOf = o.asOf ?? Date.UTC(2026, 11, 3, 3, 0, 0);
  const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
  // page revision triggers (page-revision.ts) would fire for every row copied: each actor gets its
  // token here instead, and the triggers come back at the end
  for (const t of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'page_rev_%'`).pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
  for (const t of ['hits', 'signatures', 'actor_days', 'actor_ips', 'dnsbl', 'actors', 'runs', 'publication_changes']) if (tables.has(t)) db.exec(`DELETE FROM ${t}`);
  const cols = (name: string) => (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name);
  const ins = {
    actor: insertOf(db, 'actors', cols('actors')),
    hit: insertOf(db, 'hits', cols('hits')),
    sig: insertOf(db, 'signatures', cols('signatures')),
    day: tables.has('actor_days') ? insertOf(db, 'actor_days', cols('actor_days')) : null,
    ip: insertOf(db, 'actor_ips', cols('actor_ips')),
    dnsbl: insertOf(db, 'dnsbl', cols('dnsbl')),
  };
  const asns = Array.from({ length: Math.max(20, Math.round(o.actors / 25)) }, (_, i) => ({
    asn: 10_000 + i * 37,
    org: `Example Network ${i} ${['Hosting', 'Telecom', 'Cloud', 'Broadband', 'Datacenter'][i % 5]} Ltd`,
    type: NETWORK_TYPES[i % NETWORK_TYPES.length]!,
    country: COUNTRIES[Math.floor(Math.pow(rand(), 2) * COUNTRIES.length)]!,
  }));
  const nextAddress = addressMaker(rand);
  const keys: string[] = [];
  let hitId = 1;
  db.transaction(() => {
    db.prepare(`INSERT INTO runs(id, started_at, finished_at, as_of, lines_read, lines_parsed, skipped_json) VALUES (1, ?, ?, ?, ?, ?, '{}')`)
      .run(asOf, asOf + 60_000, asOf, o.actors * 40, o.actors * 40);
    for (let i = 0; i < o.actors; i++) {
      const t = templates[i % templates.length]!;
      const { key, ips } = nextAddress();
      const net = asns[Math.floor(Math.pow(rand(), 1.6) * asns.length)]!;
      const lastSeen = asOf - Math.floor(rand() * 40 * DAY) - Math.floor(rand() * DAY);
      const shift = lastSeen - Number(t.actor.last_seen);
      const raw = Math.min(100, 60 + Math.floor(rand() * 41));
      const idMap = new Map<number, number>();
      for (const h of t.hits) {
        idMap.set(Number(h.id), hitId);
        const ip = ips[Number(h.id) % ips.length]!;
        ins.hit.run({ ...h, id: hitId++, actor: key, ip, ts: Number(h.ts) + shift });
      }
      for (const s of t.sigs) {
        const ids = (JSON.parse(String(s.request_ids)) as number[]).map((id) => idMap.get(id)).filter((n) => n !== undefined);
        ins.sig.run({ ...s, actor: key, first_ts: Number(s.first_ts) + shift, last_ts: Number(s.last_ts) + shift, request_ids: JSON.stringify(ids) });
      }
      const dayShift = Math.round(shift / DAY);
      for (const d of t.days) {
        const day = new Date(Date.parse(`${String(d.day)}T00:00:00Z`) + dayShift * DAY).toISOString().slice(0, 10);
        ins.day?.run({ ...d, actor: key, day });
      }
      // the stored chart counts move with the actor's dates
      const activity = typeof t.actor.activity === 'string' ? JSON.parse(t.actor.activity) as { days?: [number, number][] } : null;
      if (activity?.days) activity.days = activity.days.map(([day, n]) => [day + dayShift * DAY, n]);
      const requests = t.hits.length;
      for (const ip of ips) {
        ins.ip.run({ ...(t.ips[0] ?? {}), actor: key, ip, requests: Math.max(1, Math.round(requests / ips.length)),
          first_seen: Number(t.actor.first_seen) + shift, last_seen: lastSeen });
      }
      for (const d of t.dnsbl) ins.dnsbl.run({ ...d, actor: key, checked_at: asOf - 3_600_000 });
      const firstPublished = asOf - Math.floor(rand() * 30) * DAY;
      ins.actor.run({
        ...t.actor, key, slug: slugOf(key), family: key.includes(':') ? 6 : 4, requests,
        first_seen: Number(t.actor.first_seen) + shift, last_seen: lastSeen, last_offence: Number(t.actor.last_offence ?? t.actor.last_seen) + shift,
        score: raw, raw_score: raw, peak_score: raw, verdict: raw >= 80 ? 'critical' : 'high', published: 1, status: 'published', in_blocklist: 1,
        first_published: firstPublished, country: net.country[0], country_name: net.country[1], asn: net.asn, org: net.org,
        network_type: net.type, network_reason: `AS${net.asn} (${net.org}) is a synthetic ${net.type} network`,
        peak_at: lastSeen, drops_below_at: null, updated_at: asOf, ...(activity ? { activity: JSON.stringify(activity) } : {}),
        ...('page_rev' in t.actor ? { page_rev: `s${o.seed ?? 1}-${i}` } : {}),
      });
      keys.push(key);
    }
  })();
  db.prepare(`INSERT INTO meta(key, value) VALUES ('as_of', ?), ('generated_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
    .run(String(asOf), String(asOf + 60_000));
  ensurePageRevisions(db);
  db.close();
  return keys;
}

export interface NightChanges {
  /** Share of the published actors that get a new request. */
  fraction: number;
  /** Newly published actors (copies of existing ones at new addresses). */
  added?: number;
  /** Actors taken off the list. */
  removed?: number;
  seed?: number;
}

/**
 * One more night on a synthetic snapshot: `fraction` of the published actors get a new request (a
 * new evidence row, a later last-seen, a higher score), `added` actors are newly published and
 * `removed` ones taken off, as a night with that much change would. Returns the keys of each.
 */
export function changeSome(file: string, c: NightChanges): { changed: string[]; added: string[]; removed: string[] } {
  const db = new Database(file);
  const rand = prng(c.seed ?? 2);
  const keys = db.prepare(`SELECT key FROM actors WHERE published = 1 ORDER BY key`).pluck().all() as string[];
  const pick = (n: number, from: readonly string[], not: Set<string>) => {
    const out = new Set<string>();
    while (out.size < Math.min(n, from.length - not.size)) {
      const k = from[Math.floor(rand() * from.length)]!;
      if (!not.has(k)) out.add(k);
    }
    return [...out];
  };
  const changed = pick(Math.max(1, Math.round(keys.length * c.fraction)), keys, new Set());
  const removed = pick(c.removed ?? 0, keys, new Set(changed));
  const asOf = Number(db.prepare(`SELECT value FROM meta WHERE key = 'as_of'`).pluck().get()) + DAY;
  let nextId = Number(db.prepare(`SELECT max(id) FROM hits`).pluck().get()) + 1;
  const cols = (name: string) => (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((x) => x.name);
  const insHit = insertOf(db, 'hits', cols('hits'));
  const last = db.prepare(`SELECT * FROM hits WHERE actor = ? ORDER BY ts DESC LIMIT 1`);
  const sig = db.prepare(`SELECT rule_id, request_ids, count FROM signatures WHERE actor = ? ORDER BY points DESC LIMIT 1`);
  const upSig = db.prepare(`UPDATE signatures SET request_ids = ?, count = ?, last_ts = ? WHERE actor = ? AND rule_id = ?`);
  const upActor = db.prepare(`UPDATE actors SET requests = requests + 1, last_seen = ?, last_offence = ?, raw_score = min(100, raw_score + 5),
    score = min(100, score + 5), peak_score = max(peak_score, min(100, raw_score + 5)), updated_at = ? WHERE key = ?`);
  const hasDays = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actor_days'`).get() !== undefined;
  const day = hasDays ? db.prepare(`INSERT INTO actor_days(actor, day, requests) VALUES (?, ?, 1) ON CONFLICT(actor, day) DO UPDATE SET requests = requests + 1`) : null;
  // schema 2: the new request is counted in the stored chart counts
  const activityOf = db.prepare(`SELECT activity FROM actors WHERE key = ?`).pluck();
  const upActivity = db.prepare(`UPDATE actors SET activity = ? WHERE key = ?`);
  const countIn = (key: string, ts: number) => {
    const json = activityOf.get(key) as string | null | undefined;
    if (typeof json !== 'string') return;
    const a = JSON.parse(json) as { days: [number, number][]; hours: number[]; statuses: [number, number][] };
    const d = Math.floor(ts / DAY) * DAY;
    const e = a.days.find(([x]) => x === d);
    if (e) e[1]++;
    else a.days.push([d, 1]);
    a.hours[Math.floor(ts / 3_600_000) % 24] = (a.hours[Math.floor(ts / 3_600_000) % 24] ?? 0) + 1;
    upActivity.run(JSON.stringify(a), key);
  };
  const added: string[] = [];
  db.transaction(() => {
    for (const key of changed) {
      const h = last.get(key) as Row | undefined;
      const ts = asOf - 3_600_000;
      if (h) insHit.run({ ...h, id: nextId, ts, run_id: 2 });
      const s = sig.get(key) as { rule_id: string; request_ids: string; count: number } | undefined;
      if (s && h) upSig.run(JSON.stringify([...(JSON.parse(s.request_ids) as number[]), nextId]), s.count + 1, ts, key, s.rule_id);
      nextId++;
      upActor.run(ts, ts, asOf, key);
      day?.run(key, new Date(ts).toISOString().slice(0, 10));
      countIn(key, ts);
    }
    for (const key of removed) db.prepare(`UPDATE actors SET published = 0, status = 'removed', in_blocklist = 0 WHERE key = ?`).run(key);
    // new actors: copies of existing ones (rows and all) at addresses not seen before
    const nextAddress = addressMaker(rand);
    for (const from of pick(c.added ?? 0, keys, new Set(removed))) {
      let to = nextAddress();
      while (db.prepare(`SELECT 1 FROM actors WHERE key = ?`).get(to.key)) to = nextAddress();
      const idMap = new Map<number, number>();
      for (const h of db.prepare(`SELECT * FROM hits WHERE actor = ? ORDER BY id`).all(from) as Row[]) {
        idMap.set(Number(h.id), nextId);
        insHit.run({ ...h, id: nextId++, actor: to.key, ip: to.ips[0], run_id: 2 });
      }
      const copy = (table: string, extra: (r: Row) => Row = (r) => r) => {
        const ins = insertOf(db, table, cols(table));
        for (const r of db.prepare(`SELECT * FROM ${table} WHERE ${table === 'actors' ? 'key' : 'actor'} = ?`).all(from) as Row[]) ins.run(extra(r));
      };
      copy('actors', (r) => ({ ...r, key: to.key, slug: slugOf(to.key), family: to.key.includes(':') ? 6 : 4, first_published: asOf }));
      copy('signatures', (r) => ({ ...r, actor: to.key, request_ids: JSON.stringify((JSON.parse(String(r.request_ids)) as number[]).map((id) => idMap.get(id) ?? id)) }));
      if (hasDays) copy('actor_days', (r) => ({ ...r, actor: to.key }));
      copy('dnsbl', (r) => ({ ...r, actor: to.key }));
      insertOf(db, 'actor_ips', ['actor', 'ip', 'requests', 'first_seen', 'last_seen'])
        .run({ actor: to.key, ip: to.ips[0], requests: 1, first_seen: asOf - DAY, last_seen: asOf - DAY });
      added.push(to.key);
    }
    db.prepare(`INSERT INTO runs(id, started_at, finished_at, as_of, lines_read, lines_parsed, skipped_json)
      VALUES ((SELECT coalesce(max(id), 0) + 1 FROM runs), ?, ?, ?, 1000, 1000, '{}')`).run(asOf, asOf + 60_000, asOf);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'as_of'`).run(String(asOf));
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'generated_at'`).run(String(asOf + 60_000));
  })();
  db.close();
  return { changed, added, removed };
}
