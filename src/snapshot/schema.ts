// The snapshot: one SQLite file, the only thing the site reads (through src/lib/snapshot.ts).
// Written by src/snapshot/write-snapshot.ts in one transaction on a copy, then renamed into place.
// Bump SCHEMA_VERSION on any change; the writer migrates older files or refuses with a clear error.

export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per nightly run: what was read and what happened to each line.
CREATE TABLE IF NOT EXISTS runs (
  id           INTEGER PRIMARY KEY,
  started_at   INTEGER NOT NULL,  -- epoch ms
  finished_at  INTEGER NOT NULL,
  as_of        INTEGER NOT NULL,  -- the "now" scoring used
  lines_read   INTEGER NOT NULL,
  lines_parsed INTEGER NOT NULL,
  skipped_json TEXT NOT NULL      -- {"malformed": 3, "oversized": 1, ...}
);

-- Checkpoints: a file is known by the fingerprint of its first bytes (decompressed for .gz).
CREATE TABLE IF NOT EXISTS files (
  fingerprint TEXT PRIMARY KEY,
  path        TEXT NOT NULL,     -- last path it was seen at (informational only)
  offset      INTEGER NOT NULL,  -- bytes of (decompressed) content already consumed, ends on a line break
  lines       INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- The requests the report pages can cite: those a signature cites as evidence, and those an actor's
-- detection state may cite later (see data/rules/README.md, "What is stored"). Not every request: the
-- counts live in actor_state and actors. id is the request's number in the order runs read lines.
-- target is raw and never leaves the snapshot reader unredacted; path is the redacted form safe to publish.
CREATE TABLE IF NOT EXISTS hits (
  id       INTEGER PRIMARY KEY,
  actor    TEXT NOT NULL,
  ip       TEXT NOT NULL,
  ts       INTEGER NOT NULL,
  method   TEXT NOT NULL,
  target   TEXT NOT NULL,
  path     TEXT NOT NULL,
  protocol TEXT NOT NULL,
  status   INTEGER NOT NULL,
  bytes    INTEGER NOT NULL,
  referer  TEXT NOT NULL,
  ua       TEXT NOT NULL,
  host     TEXT NOT NULL,
  tag      TEXT,
  raw      TEXT NOT NULL,
  bad_utf8 INTEGER NOT NULL,
  run_id   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS hits_actor_ts ON hits(actor, ts);

-- Actors worth a look: one a signature fired for, that claims a crawler, or that had a page. Every
-- other actor seen has only its row in actor_state.
CREATE TABLE IF NOT EXISTS actors (
  key             TEXT PRIMARY KEY,   -- 192.0.2.10 or 2001:db8:1:2::/64
  slug            TEXT NOT NULL UNIQUE,
  family          INTEGER NOT NULL,   -- 4 or 6
  requests        INTEGER NOT NULL,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  score           INTEGER NOT NULL,   -- today's score: evidence_score + corroboration
  raw_score       INTEGER NOT NULL,   -- capped sum of signature points before decay
  peak_score      INTEGER NOT NULL,
  verdict         TEXT NOT NULL,
  last_offence    INTEGER,            -- ts of the newest request that fired a signature
  published       INTEGER NOT NULL,   -- 1 when a public page is built
  first_published INTEGER,
  excluded        TEXT,               -- why it is never published (private range, verified crawler, allowlist…)
  country         TEXT,
  country_name    TEXT,
  region          TEXT,
  city            TEXT,
  asn             INTEGER,
  org             TEXT,
  network_type    TEXT NOT NULL DEFAULT 'unknown',
  network_reason  TEXT,
  geo_source      TEXT,
  crawler         TEXT,               -- claimed crawler name, e.g. Googlebot
  crawler_check   TEXT,               -- verified | fake | unverified | null
  updated_at      INTEGER NOT NULL,
  dnsbl_points    INTEGER NOT NULL DEFAULT 0, -- corroboration from abuse listings (stage-dnsbl), capped
  dnsbl_reason    TEXT,               -- "listed for abuse by zen.spamhaus.org (XBL: …)", null when 0 points
  abuse_email     TEXT,               -- the network's abuse mailbox from RDAP, null when none was found
  abuse_source    TEXT,               -- "RDAP rdap.db.ripe.net, network 192.0.2.0 - 192.0.2.255 (EXAMPLE-NET)"
  abuse_network   TEXT,               -- key of the abuse table row the contact came from
  peak_at         INTEGER,            -- ts of the last offending request when peak_score was reached
  drops_below_at  INTEGER,            -- when today's score falls below the threshold if nothing new happens; null = never (ageing off)
  status          TEXT NOT NULL DEFAULT 'none', -- published | expired (aged out: noindex page, not in blocklists) | removed (grace over) | none (never published)
  expired_at      INTEGER,            -- when the score fell below the threshold (status expired/removed)
  in_blocklist    INTEGER NOT NULL DEFAULT 0,   -- 1 when published and blocklist-worthy (research scanners are not, unless config says so)
  shared          INTEGER NOT NULL DEFAULT 0,   -- 1 when the address is likely shared by many people (needs more evidence; no range advice)
  shared_reason   TEXT,               -- why it is treated as shared (distinct user agents, mobile carrier, proxy/cloud egress)
  scanner         TEXT,               -- research scanner name (e.g. Censys) when identified by published ranges or reverse DNS
  evidence_score  INTEGER NOT NULL DEFAULT 0,   -- raw_score after decay: what the log evidence alone is worth today (decides publication)
  corroboration   INTEGER NOT NULL DEFAULT 0,   -- DNSBL points counted in score (published actors only; never above 100 - evidence_score)
  user_agents     INTEGER NOT NULL DEFAULT 0, -- distinct user agents seen, counted up to sharedMinUserAgents
  activity        TEXT                -- {"days":[[utcDayMs,n],…],"hours":[24 counts],"statuses":[[class,n],…]} for the report's charts
);
CREATE INDEX IF NOT EXISTS actors_published ON actors(published, score);

-- The addresses seen inside an actor (one for IPv4; several for an IPv6 network).
CREATE TABLE IF NOT EXISTS actor_ips (
  actor      TEXT NOT NULL,
  ip         TEXT NOT NULL,
  requests   INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (actor, ip)
);

-- The streaming detector's state of every actor seen inside the window (src/detect/stream-detector.ts):
-- counts, per-rule aggregates and the events still held for reordering, in a compact binary form.
-- Read back when the actor is seen again; an actor quiet for longer than windowDays loses it.
CREATE TABLE IF NOT EXISTS actor_state (
  key        TEXT PRIMARY KEY,
  requests   INTEGER NOT NULL,  -- requests in the actor's current episode (no gap longer than the window)
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  state      BLOB NOT NULL
) WITHOUT ROWID;

-- Signatures that fired, with the hit ids that prove them (JSON array, capped).
CREATE TABLE IF NOT EXISTS signatures (
  actor       TEXT NOT NULL,
  rule_id     TEXT NOT NULL,
  family      TEXT NOT NULL,
  label       TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  points      INTEGER NOT NULL,
  severity    TEXT NOT NULL,
  count       INTEGER NOT NULL,
  first_ts    INTEGER NOT NULL,
  last_ts     INTEGER NOT NULL,
  request_ids TEXT NOT NULL,
  PRIMARY KEY (actor, rule_id)
);

-- Latest DNSBL outcome per actor and zone.
CREATE TABLE IF NOT EXISTS dnsbl (
  actor      TEXT NOT NULL,
  zone       TEXT NOT NULL,
  status     TEXT NOT NULL,  -- listed | not_listed | error | skipped
  meaning    TEXT NOT NULL,
  codes      TEXT NOT NULL,
  abuse      INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  since      INTEGER,          -- when this outcome (status, codes, meaning) was first seen; pages show it, not checked_at
  PRIMARY KEY (actor, zone)
);

-- What each run changed on the published list: 'added' (entered the blocklists) or 'removed' (left
-- them: aged out, excluded, or no longer blocklist-worthy), with the reason shown in removed.txt.
CREATE TABLE IF NOT EXISTS publication_changes (
  run_id  INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  change  TEXT NOT NULL,   -- added | removed
  reason  TEXT NOT NULL,
  at      INTEGER NOT NULL, -- as-of of the run
  PRIMARY KEY (run_id, actor, change)
);

-- RDAP abuse contacts, one row per registry network (an address range), cached for weeks.
CREATE TABLE IF NOT EXISTS abuse (
  network    TEXT PRIMARY KEY,  -- "start - end" as canonical addresses, or "ip <address>" for a failed lookup
  family     INTEGER NOT NULL,  -- 4 or 6
  start_ip   TEXT NOT NULL,
  end_ip     TEXT NOT NULL,
  handle     TEXT,              -- the registry's handle of the network
  name       TEXT,              -- the network's name
  email      TEXT,              -- abuse mailbox, null when the registry names none
  server     TEXT,              -- RDAP server host that answered
  status     TEXT NOT NULL,     -- ok | no_contact | error
  detail     TEXT NOT NULL,     -- for error: what went wrong
  fetched_at INTEGER NOT NULL   -- epoch ms
);
CREATE INDEX IF NOT EXISTS abuse_start ON abuse(family, start_ip);
`;
