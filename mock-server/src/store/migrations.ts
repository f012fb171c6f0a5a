import type { Database } from 'better-sqlite3';

/**
 * The schema, one step per version: step n takes a file from `PRAGMA user_version` n - 1 to n.
 * Steps are only ever appended; a released step never changes.
 */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE settings (name TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;
      CREATE TABLE accounts (token_digest TEXT PRIMARY KEY, account_id TEXT NOT NULL UNIQUE) STRICT;
      -- The whole stored webhook (key included) as JSON: it is only ever read back whole.
      CREATE TABLE webhooks (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, webhook TEXT NOT NULL) STRICT;
      -- One row per emitted event: its deliveries to every webhook share the body.
      CREATE TABLE events (id TEXT PRIMARY KEY, event TEXT NOT NULL, session TEXT NOT NULL, body TEXT NOT NULL) STRICT;
      CREATE TABLE deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        webhook_id INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        retries TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        -- What the latest attempt sent besides the body.
        url TEXT NOT NULL,
        signature TEXT,
        custom_headers TEXT NOT NULL,
        -- When the next attempt is due (epoch ms), 0 before the first.
        due INTEGER NOT NULL,
        -- [[attempt, startedAt, durationMs, statusCode, error, nextRetryAt], ...], at most 16.
        attempts TEXT NOT NULL
      ) STRICT;
      CREATE INDEX deliveries_by_event ON deliveries (event_id);
    `),
  (db) =>
    db.exec(`
      -- Delivery faults: how every attempt is signed ('valid', 'invalid' or 'missing').
      ALTER TABLE deliveries ADD COLUMN signature_mode TEXT NOT NULL DEFAULT 'valid';
      -- Scenarios: a JSON array of the ids of the deliveries that must settle before the first attempt.
      ALTER TABLE deliveries ADD COLUMN waits_for TEXT NOT NULL DEFAULT '[]';
      -- The first attempt's due time was 0 before; it is now kept, as a delayed first attempt needs.
      UPDATE deliveries SET due = created_at WHERE due = 0 AND attempts = '[]';
    `),
];

/** The version this build writes; a file with a higher one was written by a newer build. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file up to SCHEMA_VERSION, each step in its own transaction. */
export function migrate(db: Database, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      MIGRATIONS[version]!(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
