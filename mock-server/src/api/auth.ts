import { hash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { AccountId } from '../model.js';
import { ApiError } from './errors.js';

/** A token and what it may do; `*` allows everything. */
export interface TokenSpec {
  token: string;
  scopes: string[];
}

export interface Account {
  id: AccountId;
  scopes: ReadonlySet<string>;
}

export interface Accounts {
  /** The account of an `Authorization: Bearer <token>` header, if the token is known. */
  fromHeader(header: string | undefined): Account | undefined;
  /** The account of a bare token, if it is known. */
  fromToken(token: string): Account | undefined;
  /** The account of a token the server was started with. */
  ofToken(token: string): Account;
}

// Tokens are looked up by their SHA-256, so the lookup's timing says nothing about the stored tokens.
const digest = (token: string) => hash('sha256', token);

/**
 * Each token is its own account; `accountIdOf` names it from the token's digest (the store does,
 * so that a token keeps its account, and the account its webhooks, across restarts).
 */
export function createAccounts(
  tokens: readonly TokenSpec[],
  accountIdOf: (tokenDigest: string) => AccountId,
): Accounts {
  const byDigest = new Map<string, Account>();
  for (const { token, scopes } of tokens) {
    const key = digest(token);
    byDigest.set(key, { id: accountIdOf(key), scopes: new Set(scopes) });
  }
  const fromToken = (token: string) => byDigest.get(digest(token));
  return {
    fromHeader(header) {
      const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
      return match ? fromToken(match[1]!) : undefined;
    },
    fromToken,
    ofToken(token) {
      const account = fromToken(token);
      if (!account) throw new Error('unknown token');
      return account;
    },
  };
}

const ACCOUNT = Symbol('account');
type WithAccount = Request & { [ACCOUNT]?: Account | null };

/**
 * The account of the request's bearer token, or undefined for a missing or unknown token. Looked up
 * once per request, however many steps (rate limit, journal, authenticate) ask.
 */
export function tokenAccount(req: Request, accounts: Accounts): Account | undefined {
  const known = (req as WithAccount)[ACCOUNT];
  if (known !== undefined) return known ?? undefined;
  const account = accounts.fromHeader(req.headers.authorization);
  (req as WithAccount)[ACCOUNT] = account ?? null;
  return account;
}

export interface AuthenticateOptions {
  /**
   * Also accept the token as `?token=`: only for routes a browser's EventSource opens, as it cannot
   * set headers. Everywhere else a token in the URL is refused, as it would end up in histories and logs.
   */
  queryToken?: boolean;
}

/** 401 `unauthorized` unless the request carries a known bearer token. */
export function authenticate(accounts: Accounts, { queryToken = false }: AuthenticateOptions = {}): RequestHandler {
  return (req, _res, next) => {
    const account =
      tokenAccount(req, accounts) ??
      (queryToken && typeof req.query.token === 'string' ? accounts.fromToken(req.query.token) : undefined);
    if (!account) throw new ApiError('unauthorized', 'missing or invalid API key');
    (req as WithAccount)[ACCOUNT] = account;
    next();
  };
}

/** 403 `forbidden` unless the token has `scope` or `*`. */
export function requireScope(scope: string): RequestHandler {
  return (req, _res, next) => {
    const { scopes } = accountOf(req);
    if (!scopes.has(scope) && !scopes.has('*')) throw new ApiError('forbidden', `scope ${scope} is required`);
    next();
  };
}

/** The account `authenticate` found; only valid behind it. */
export function accountOf(req: Request): Account {
  const account = (req as WithAccount)[ACCOUNT];
  if (!account) throw new Error('accountOf used on a route without authenticate');
  return account;
}
