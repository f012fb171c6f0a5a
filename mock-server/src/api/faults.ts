/**
 * Injected API faults: per account, the rules that make matching `/api` requests slow, fail with a
 * chosen status or lose their connection, so apps can test how they handle Titan's errors.
 */

import { randomUUID } from 'node:crypto';
import type { ApiFault, ApiFaultCreate } from '@titan-webhooks/sdk/mock';
import type { Request, RequestHandler } from 'express';
import type { AccountId } from '../model.js';
import { accountOf } from './auth.js';
import { ApiError, sendError } from './errors.js';

/** Faults kept per account, used-up ones included, so a list never grows without bound. */
export const MAX_FAULTS_PER_ACCOUNT = 100;

export interface ApiFaults {
  /** Adds a fault after the account's others; undefined when the account already has its maximum of active ones. */
  create(accountId: AccountId, fields: ApiFaultCreate): ApiFault | undefined;
  /** The account's faults in the order they apply. */
  list(accountId: AccountId): ApiFault[];
  /** False when the account has no such fault. */
  delete(accountId: AccountId, id: string): boolean;
  /** Uses up one application of the first fault that matches, if any. */
  take(accountId: AccountId, method: string, path: string): ApiFault | undefined;
  /** Removes all of the account's faults. */
  reset(accountId: AccountId): void;
}

/** Whether `path` matches `pattern`, where a `*` segment stands for any one segment. */
export function pathMatches(pattern: string, path: string): boolean {
  const wanted = pattern.split('/');
  // Express routes /api/webhooks/ like /api/webhooks: so do faults.
  const actual = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  return wanted.length === actual.length && wanted.every((segment, i) => segment === '*' || segment === actual[i]);
}

const matches = (fault: ApiFault, method: string, path: string) =>
  (fault.method === undefined || fault.method === method) &&
  (fault.path === undefined || pathMatches(fault.path, path));

export function createApiFaults(): ApiFaults {
  const byAccount = new Map<AccountId, ApiFault[]>();
  const faultsOf = (accountId: AccountId) => byAccount.get(accountId) ?? [];

  return {
    create(accountId, fields) {
      const faults = faultsOf(accountId);
      if (faults.length >= MAX_FAULTS_PER_ACCOUNT) {
        // Room is made by forgetting the oldest used-up fault; active ones are never dropped silently.
        const usedUp = faults.findIndex((fault) => fault.remaining === 0);
        if (usedUp === -1) return undefined;
        faults.splice(usedUp, 1);
      }
      const fault: ApiFault = { id: `flt_${randomUUID().replaceAll('-', '')}`, ...fields, remaining: fields.count };
      faults.push(fault);
      byAccount.set(accountId, faults);
      return { ...fault };
    },
    list: (accountId) => faultsOf(accountId).map((fault) => ({ ...fault })),
    delete(accountId, id) {
      const faults = faultsOf(accountId);
      const index = faults.findIndex((fault) => fault.id === id);
      if (index === -1) return false;
      faults.splice(index, 1);
      return true;
    },
    take(accountId, method, path) {
      const fault = faultsOf(accountId).find((f) => f.remaining > 0 && matches(f, method, path));
      if (!fault) return undefined;
      fault.remaining -= 1;
      return { ...fault };
    },
    reset(accountId) {
      byAccount.delete(accountId);
    },
  };
}

/** The whole path of a request, whatever router it is mounted in. */
const fullPath = (req: Request) => req.baseUrl + req.path;

function describe(fault: ApiFault): string {
  return `injected fault ${fault.id}: ${fault.status} for ${fault.method ?? 'any method'} ${fault.path ?? '/api/**'}`;
}

/**
 * Applies the account's first matching fault to the request: waits its delay, then answers with its
 * status, closes the connection, or (delay only) lets the request through. Belongs behind
 * `authenticate` and the other checks that refuse a request outright.
 */
export function injectFaults(faults: ApiFaults): RequestHandler {
  return (req, res, next) => {
    const fault = faults.take(accountOf(req).id, req.method, fullPath(req));
    if (!fault) return next();
    const act = () => {
      if (fault.drop) return res.destroy();
      if (fault.status === undefined) return next();
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      sendError(res, new ApiError('injected_fault', describe(fault), undefined, fault.status));
    };
    if (!fault.delayMs) return act();
    const timer = setTimeout(act, fault.delayMs);
    // A client that gives up during the delay, or a server closing, leaves nothing to act on.
    res.on('close', () => clearTimeout(timer));
  };
}
