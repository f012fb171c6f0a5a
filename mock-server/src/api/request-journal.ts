/**
 * The request journal: every `/api` request of a known account is recorded with its answer's status,
 * so tests can assert what an app sent. Runs on every `/api` request, so it does little: the rest
 * (parsing the query, formatting dates) waits until someone reads the journal.
 */

import type { RequestHandler, Response } from 'express';
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

/**
 * Records the request when its answer starts being sent, so a client that reads the journal after
 * its call returned always finds it, or when the connection is closed without an answer (a fault
 * that drops it, a client gone first). Requests without a known token belong to no account and are not recorded.
 * Belongs first on `/api`, before anything that may answer.
 */
export function recordRequests(accounts: Accounts, store: MockStore): RequestHandler {
  return (req, res, next) => {
    const account = tokenAccount(req, accounts);
    if (account === undefined) return next();
    const receivedAt = Date.now();
    const started = performance.now();
    let recorded = false;
    const record = (status: number | null) => {
      if (recorded) return;
      recorded = true;
      const url = req.originalUrl;
      const queryAt = url.indexOf('?');
      store.recordRequest({
        accountId: account.id,
        method: req.method,
        path: queryAt === -1 ? url : url.slice(0, queryAt),
        query: queryAt === -1 ? '' : url.slice(queryAt + 1),
        status,
        body: redactedBody(req.body),
        receivedAt,
        durationMs: Math.round(performance.now() - started),
      });
    };
    const { end, destroy } = res;
    res.end = function (this: Response, ...args: Parameters<Response['end']>) {
      record(this.statusCode);
      return end.apply(this, args);
    } as Response['end'];
    // A connection dropped on purpose: recorded before the client can see it close.
    res.destroy = function (this: Response, error?: Error) {
      record(null);
      return destroy.call(this, error);
    };
    // The client went away before any answer: no one is waiting for this one.
    res.once('close', () => record(null));
    next();
  };
}
