import { type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WebhookHeader } from '@titan-webhooks/sdk';
import type { DeliveryStatus } from '@titan-webhooks/sdk/mock';
import Database, { type Database as Connection, type Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import { AttemptRecord, DeliveryState, type EventBody, type SignatureMode } from '../delivery/records.js';
import { fixedSchedule } from '../delivery/schedule.js';
import { SharedResponses } from '../delivery/shared-responses.js';
import type { StoredWebhook } from '../model.js';
import { MemoryStore, type MemoryStoreOptions, type StoreSetting, type StoreWrite } from './memory-store.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';

export interface SqliteStoreOptions extends MemoryStoreOptions {
  file: string;
  logger: Logger;
}

/** The data file cannot be used; the CLI prints the message and exits with code 2. */
export class DataFileError extends ConfigError {
  override name = 'DataFileError';
}

/** A recorded response in a row: [headers, body, truncated]. */
type ResponseRow = [Record<string, string>, string, boolean];

/** Rows written before responses were recorded have no seventh element: they load as no response. */
type AttemptRow = [number, number, number | null, number | null, string | null, number | null, (ResponseRow | null)?];

interface DeliveryRow {
  seq: number;
  id: string;
  account_id: string;
  webhook_id: number;
  event_id: string;
  retries: string;
  created_at: number;
  status: DeliveryStatus;
  url: string;
  signature: string | null;
  custom_headers: string;
  due: number;
  attempts: string;
  signature_mode: SignatureMode;
  waits_for: string;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The error reaches whoever awaits durable(); an unawaited batch must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The file's stat, undefined when missing, or the error (ENOTDIR: a path under a plain file). */
function statOrError(path: string): Stats | undefined | Error {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    return error as Error;
  }
}

/** Opens the file or refuses with a one-line DataFileError. */
function openFile(file: string): Connection {
  const stat = statOrError(file);
  if (stat instanceof Error) throw new DataFileError(`--data ${file} cannot be used: ${stat.message}`);
  if (stat?.isDirectory()) throw new DataFileError(`--data ${file} is a folder; give a file name inside it`);
  const folder = statOrError(dirname(file));
  if (stat === undefined && (folder instanceof Error || folder?.isDirectory() !== true)) {
    throw new DataFileError(`--data ${file}: the folder ${dirname(file)} does not exist`);
  }
  let db: Connection | undefined;
  try {
    // No busy wait: a file held by another server is refused at once.
    db = new Database(file, { timeout: 0 });
    // Exclusive before WAL: the lock is then held from the first transaction until the process ends
    // (the OS drops it when the process dies, SIGKILL included), and no shared-memory file is used.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (error) {
    db?.close();
    const { code, message } = error as { code?: string; message: string };
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DataFileError(`--data ${file} is in use by another running mock server`);
    }
    if (code === 'SQLITE_NOTADB') throw new DataFileError(`--data ${file} is not a mock server data file`);
    throw new DataFileError(`--data ${file} cannot be opened for writing: ${message}`);
  }
}

/**
 * The `--data` store: the memory store's working copy, with every change written through to a
 * SQLite file. Changes made in one turn of the event loop are committed together in one
 * transaction (group commit); `durable()` resolves after that commit. WAL with synchronous=NORMAL:
 * a commit survives the process being killed (it is in the OS's hands), not a power cut.
 */
export class SqliteStore extends MemoryStore {
  private readonly db: Connection;
  private readonly statements: ReturnType<typeof prepare>;
  private batch: Deferred | undefined;
  private readonly dirtyDeliveries = new Set<DeliveryState>();
  private readonly forgotten: DeliveryState[] = [];
  private readonly webhookWrites = new Map<number, StoredWebhook | undefined>();
  private readonly settingWrites = new Map<StoreSetting, string | number>();
  private readonly accountWrites: { tokenDigest: string; accountId: string }[] = [];
  /** Deliveries that have a row: the rest are inserted. */
  private readonly saved = new WeakSet<DeliveryState>();

  constructor(private readonly sqliteOptions: SqliteStoreOptions) {
    super(sqliteOptions);
    const { file } = sqliteOptions;
    const db = openFile(file);
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new DataFileError(
          `--data ${file} was written by a newer version of the mock server (schema ${version}, this one knows ${SCHEMA_VERSION})`,
        );
      }
      db.pragma('synchronous = NORMAL');
      migrate(db, version);
      this.statements = prepare(db);
      this.load();
    } catch (error) {
      db.close();
      if (error instanceof DataFileError) throw error;
      throw new DataFileError(`--data ${file} cannot be used: ${(error as Error).message}`);
    }
    this.db = db;
  }

  override durable(): Promise<void> {
    return this.batch?.promise ?? super.durable();
  }

  override close(): void {
    if (this.closed) return;
    if (this.batch !== undefined) this.flush();
    super.close();
    this.db.close();
  }

  protected override write(change: StoreWrite): void {
    if (this.closed) return;
    switch (change.kind) {
      case 'delivery':
        this.dirtyDeliveries.add(change.delivery);
        break;
      case 'forget':
        for (const state of change.deliveries) {
          this.dirtyDeliveries.delete(state);
          if (this.saved.has(state)) this.forgotten.push(state);
        }
        break;
      case 'webhook':
        this.webhookWrites.set(change.id, change.webhook);
        break;
      case 'setting':
        this.settingWrites.set(change.name, change.value);
        break;
      case 'account':
        this.accountWrites.push({ tokenDigest: change.tokenDigest, accountId: change.accountId });
        break;
    }
    if (this.batch === undefined) {
      this.batch = deferred();
      setImmediate(() => this.flush());
    }
  }

  /** Commits every queued change in one transaction. */
  private flush(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    this.batch = undefined;
    try {
      this.commit();
      batch.resolve();
    } catch (error) {
      this.sqliteOptions.logger.error({ err: error }, 'could not write the data file');
      batch.reject(error);
    }
  }

  private readonly commit = (): void => {
    const s = this.statements;
    this.db.transaction(() => {
      for (const { tokenDigest, accountId } of this.accountWrites) s.insertAccount.run(tokenDigest, accountId);
      for (const [name, value] of this.settingWrites) s.setSetting.run(name, value);
      for (const [id, webhook] of this.webhookWrites) {
        if (webhook === undefined) s.deleteWebhook.run(id);
        else s.putWebhook.run(id, webhook.accountId, JSON.stringify(webhook));
      }
      for (const state of this.dirtyDeliveries) {
        const attempts = JSON.stringify(state.attempts.map(attemptRow));
        const headers = JSON.stringify(state.customHeaders);
        if (this.saved.has(state)) {
          s.updateDelivery.run(
            state.status,
            state.url,
            state.signature ?? null,
            headers,
            state.due,
            attempts,
            state.seq,
          );
          continue;
        }
        const { event } = state;
        s.insertEvent.run(event.id, event.event, event.session, event.body);
        s.insertDelivery.run(
          state.seq,
          state.id,
          state.accountId,
          state.webhookId,
          event.id,
          JSON.stringify(state.retries),
          state.createdAt,
          state.status,
          state.url,
          state.signature ?? null,
          headers,
          state.due,
          attempts,
          state.signatureMode,
          JSON.stringify(state.waitsFor),
        );
        this.saved.add(state);
      }
      for (const state of this.forgotten) s.deleteDelivery.run(state.seq);
      // An event goes with its last delivery.
      for (const state of this.forgotten) s.deleteEventIfUnused.run(state.event.id, state.event.id);
    })();
    this.accountWrites.length = 0;
    this.settingWrites.clear();
    this.webhookWrites.clear();
    this.dirtyDeliveries.clear();
    this.forgotten.length = 0;
  };

  private load(): void {
    const s = this.statements;
    for (const { name, value } of s.settings.all() as { name: StoreSetting; value: string | number }[]) {
      if (name === 'developmentToken') this.token = String(value);
      else if (name === 'nextWebhookId') this.nextWebhookId = Number(value);
      else if (name === 'nextDeliverySeq') this.nextDeliverySeq = Number(value);
      else if (name === 'nextAccount') this.nextAccount = Number(value);
    }
    for (const row of s.accounts.all() as { token_digest: string; account_id: string }[]) {
      this.accounts.set(row.token_digest, row.account_id);
    }
    for (const row of s.webhooks.all() as { webhook: string }[]) {
      const webhook = JSON.parse(row.webhook) as StoredWebhook;
      this.webhooksById.set(webhook.id, webhook);
    }
    // One body per event and one object per distinct schedule or header list, as when they were created.
    const events = new Map<string, EventBody>();
    for (const row of s.events.iterate() as Iterable<Omit<EventBody, 'byteLength'>>) {
      events.set(row.id, { ...row, byteLength: Buffer.byteLength(row.body) });
    }
    const parsed = new Map<string, unknown>();
    const shared = <T>(json: string): T => {
      let value = parsed.get(json);
      if (value === undefined) {
        value = JSON.parse(json);
        parsed.set(json, value);
      }
      return value as T;
    };
    const responses = new SharedResponses();
    for (const row of s.deliveries.iterate() as Iterable<DeliveryRow>) {
      const event = events.get(row.event_id);
      if (event === undefined) throw new Error(`delivery ${row.id} has no event ${row.event_id}`);
      const state = new DeliveryState(
        row.seq,
        row.id,
        row.account_id,
        row.webhook_id,
        event,
        fixedSchedule(shared(row.retries)),
        row.url,
        row.created_at,
      );
      state.status = row.status;
      state.signature = row.signature ?? undefined;
      state.customHeaders = shared<WebhookHeader[]>(row.custom_headers);
      state.due = row.due;
      state.attempts = (JSON.parse(row.attempts) as AttemptRow[]).map((attempt) =>
        toAttempt(attempt, row.webhook_id, responses),
      );
      state.signatureMode = row.signature_mode;
      state.waitsFor = shared<string[]>(row.waits_for);
      this.saved.add(state);
      this.add(state);
      for (const record of state.attempts) this.responses.admit(state, record);
    }
    for (const accountId of this.deliveriesByAccount.keys()) this.retain(accountId);
  }
}

function attemptRow(a: AttemptRecord): AttemptRow {
  const response: ResponseRow | null =
    a.response === null ? null : [a.response.headers, a.response.body, a.response.truncated];
  return [a.attempt, a.startedAt, a.durationMs, a.statusCode, a.error, a.nextRetryAt, response];
}

function toAttempt(
  [attempt, startedAt, durationMs, statusCode, error, nextRetryAt, response = null]: AttemptRow,
  webhookId: number,
  responses: SharedResponses,
): AttemptRecord {
  const record = new AttemptRecord(attempt, startedAt);
  record.durationMs = durationMs;
  record.statusCode = statusCode;
  record.error = error;
  record.nextRetryAt = nextRetryAt;
  if (response !== null) {
    const [headers, body, truncated] = response;
    record.response = responses.share(webhookId, { headers, body, truncated });
  }
  return record;
}

function prepare(db: Connection) {
  const statement = (sql: string): Statement => db.prepare(sql);
  return {
    settings: statement('SELECT name, value FROM settings'),
    accounts: statement('SELECT token_digest, account_id FROM accounts'),
    webhooks: statement('SELECT webhook FROM webhooks ORDER BY id'),
    events: statement('SELECT id, event, session, body FROM events'),
    deliveries: statement('SELECT * FROM deliveries ORDER BY seq'),
    setSetting: statement(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    insertAccount: statement('INSERT OR REPLACE INTO accounts (token_digest, account_id) VALUES (?, ?)'),
    putWebhook: statement(
      'INSERT INTO webhooks (id, account_id, webhook) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET webhook = excluded.webhook',
    ),
    deleteWebhook: statement('DELETE FROM webhooks WHERE id = ?'),
    insertEvent: statement('INSERT OR IGNORE INTO events (id, event, session, body) VALUES (?, ?, ?, ?)'),
    deleteEventIfUnused: statement(
      'DELETE FROM events WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?)',
    ),
    insertDelivery: statement(
      `INSERT INTO deliveries (seq, id, account_id, webhook_id, event_id, retries, created_at,
        status, url, signature, custom_headers, due, attempts, signature_mode, waits_for)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateDelivery: statement(
      'UPDATE deliveries SET status = ?, url = ?, signature = ?, custom_headers = ?, due = ?, attempts = ? WHERE seq = ?',
    ),
    deleteDelivery: statement('DELETE FROM deliveries WHERE seq = ?'),
  };
}
