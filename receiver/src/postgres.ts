import type { ClaimResult, DedupeStore } from './dedupe.js';

/** What the store needs of a connection: a `pg` Pool or Client (or anything with the same `query`). */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export type PostgresConnection =
  | { pool: PostgresQueryable; connectionString?: never }
  | { connectionString: string; pool?: never };

export interface PostgresDedupeStoreOptions {
  /** The table, created on first use; optionally schema-qualified. Default `titan_webhook_events`. */
  table?: string;
}

/** A DedupeStore shared by every process that uses the same table; `close()` ends a pool it opened itself. */
export interface PostgresDedupeStore extends DedupeStore {
  close(): Promise<void>;
}

const DEFAULT_TABLE = 'titan_webhook_events';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
// Expired rows are only ignored by claims; every so many claims they are deleted, so the table stays bounded.
const CLAIMS_PER_PRUNE = 1000;
// Two processes creating the table at once: one of them sees a unique violation on the catalog (23505) or 42P07.
const ALREADY_CREATED = new Set(['23505', '42P07']);

/**
 * Dedupe in PostgreSQL, for receivers running as several processes. Each step is one atomic
 * statement: a claim inserts the id, or takes over a row whose lease or TTL has run out, in the
 * same INSERT ... ON CONFLICT, so of two deliveries racing in two processes exactly one gets it.
 */
export function createPostgresDedupeStore(
  connection: PostgresConnection,
  options: PostgresDedupeStoreOptions = {},
): PostgresDedupeStore {
  const table = quoteTable(options.table ?? DEFAULT_TABLE);
  const indexName = `"${(options.table ?? DEFAULT_TABLE).replaceAll('.', '_')}_expires_at"`;
  const owned = 'connectionString' in connection && connection.connectionString !== undefined;
  let database: Promise<PostgresQueryable & { end?(): Promise<void> }> | undefined;
  let claims = 0;

  function ready(): Promise<PostgresQueryable> {
    database ??= (async () => {
      const db = owned ? await openPool(connection.connectionString as string) : (connection.pool as PostgresQueryable);
      await createTable(db);
      return db;
    })().catch((error: unknown) => {
      // A failed start (database down) is retried by the next delivery instead of being remembered.
      database = undefined;
      throw error;
    });
    return database;
  }

  async function createTable(db: PostgresQueryable): Promise<void> {
    try {
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
          id text PRIMARY KEY,
          state text NOT NULL CHECK (state IN ('in_progress', 'handled')),
          expires_at timestamptz NOT NULL
        )`,
      );
      await db.query(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table} (expires_at)`);
    } catch (error) {
      if (!ALREADY_CREATED.has((error as { code?: string }).code ?? '')) throw error;
    }
  }

  return {
    async claim(id: string, leaseSeconds: number): Promise<ClaimResult> {
      const db = await ready();
      if (++claims % CLAIMS_PER_PRUNE === 0) await db.query(`DELETE FROM ${table} WHERE expires_at < now()`);
      // The outer SELECT reads the snapshot from before the INSERT: it finds the row that blocked the claim.
      const { rows } = await db.query(
        `WITH claimed AS (
           INSERT INTO ${table} AS t (id, state, expires_at)
           VALUES ($1, 'in_progress', now() + make_interval(secs => $2))
           ON CONFLICT (id) DO UPDATE SET state = 'in_progress', expires_at = EXCLUDED.expires_at
             WHERE t.expires_at <= now()
           RETURNING 'claimed' AS result
         )
         SELECT result FROM claimed
         UNION ALL
         SELECT state AS result FROM ${table} WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
        [id, leaseSeconds],
      );
      // No row: another process inserted it after this statement's snapshot, so it is being handled.
      return (rows[0]?.result as ClaimResult | undefined) ?? 'in_progress';
    },

    async complete(id: string, ttlSeconds: number): Promise<void> {
      const db = await ready();
      await db.query(
        `INSERT INTO ${table} (id, state, expires_at) VALUES ($1, 'handled', now() + make_interval(secs => $2))
         ON CONFLICT (id) DO UPDATE SET state = 'handled', expires_at = EXCLUDED.expires_at`,
        [id, ttlSeconds],
      );
    },

    async release(id: string): Promise<void> {
      const db = await ready();
      await db.query(`DELETE FROM ${table} WHERE id = $1 AND state = 'in_progress'`, [id]);
    },

    async close(): Promise<void> {
      if (!owned || database === undefined) return;
      const db = await database.catch(() => undefined);
      database = undefined;
      await db?.end?.();
    },
  };
}

async function openPool(connectionString: string): Promise<PostgresQueryable & { end(): Promise<void> }> {
  // Loaded only here, so a receiver that passes its own pool needs nothing more than it has.
  const { Pool } = await import('pg');
  return new Pool({ connectionString });
}

function quoteTable(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TypeError(
      `createPostgresDedupeStore: table ${JSON.stringify(name)} must be a name of letters, digits and _ (optionally schema.table)`,
    );
  }
  return parts.map((part) => `"${part}"`).join('.');
}
