/**
 * The request journal: every `/api` request of a known account is recorded with its answer's status,
 * so tests can assert what an app sent. It runs on every `/api` request, so it does little there: no
 * closure per request, and the rest (parsing the query, formatting dates) waits until someone reads
 * the journal.
 */

import type { Express, Request, RequestHandler, Response } from 'express';
import type { AccountId } from '../model.js';
import type { MockStore } from '../store/store.js';
import { type Accounts, tokenAccount } from './auth.js';

/** What the journal shows instead of a webhook's key. */
export const REDACTED = '[redacted]';

// A null key hides nothing and says the app cleared the key, so it is kept as it is.
const redactKeys = (name: string, value: unknown) => (name === 'hmacKey' && value !== null ? REDACTED : value);

/** The parsed body as JSON text, every `hmacKey` value at any depth redacted; null when there was none. */
export function redactedBody(body: unknown): string | null {
  return body === undefined ? null : JSON.stringify(body, redactKeys);
}

/** A request waiting for its answer to be recorded. */
class PendingRecord {
  readonly receivedAt = Date.now();
  readonly started = performance.now();
  constructor(
    readonly store: MockStore,
    readonly accountId: AccountId,
    readonly req: Request,
  ) {}

  record(status: number | null): void {
    const { req } = this;
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    this.store.recordRequest({
      accountId: this.accountId,
      method: req.method,
      path: queryAt === -1 ? url : url.slice(0, queryAt),
      query: queryAt === -1 ? '' : url.slice(queryAt + 1),
      status,
      body: redactedBody(req.body),
      receivedAt: this.receivedAt,
      durationMs: Math.round(performance.now() - this.started),
    });
  }
}

const PENDING = Symbol('pending journal record');
type Journaled = Response & { [PENDING]?: PendingRecord | undefined };

/** Records the response's request, once. */
function settle(res: Journaled, status: number | null): void {
  const pending = res[PENDING];
  if (pending === undefined) return;
  res[PENDING] = undefined;
  pending.record(status);
}

function onClose(this: Journaled): void {
  settle(this, null);
}

/**
 * Records each request when its answer starts being sent, so a client that reads the journal after
 * its call returned always finds it, or when the connection is closed without an answer (a fault
 * that drops it, a client gone first). Requests without a known token belong to no account and are
 * not recorded. The returned middleware belongs first on `/api`, before anything that may answer.
 */
export function recordRequests(app: Express, accounts: Accounts, store: MockStore): RequestHandler {
  // Hooked once on the app's response prototype rather than on each response.
  const { end, destroy } = app.response;
  app.response.end = function (this: Journaled, ...args: Parameters<Response['end']>) {
    settle(this, this.statusCode);
    return end.apply(this, args);
  } as Response['end'];
  // A connection dropped on purpose: recorded before the client can see it close.
  app.response.destroy = function (this: Journaled, error?: Error) {
    settle(this, null);
    return destroy.call(this, error);
  };

  return (req, res, next) => {
    const account = tokenAccount(req, accounts);
    if (account !== undefined) {
      (res as Journaled)[PENDING] = new PendingRecord(store, account.id, req);
      // The client went away before any answer: no one is waiting for this one.
      res.once('close', onClose);
    }
    next();
  };
}
