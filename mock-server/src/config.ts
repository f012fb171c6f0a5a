/** The mock server's options, their defaults and checks, shared by startMockServer and the CLI. */
import { randomBytes } from 'node:crypto';
import type { LevelWithSilent } from 'pino';
import type { TokenSpec } from './api/auth.js';
import type { RateLimitOptions } from './api/rate-limit.js';
import type { PreloadFile } from './preload.js';

export type { PreloadFile, RateLimitOptions, TokenSpec };
export type LogLevel = LevelWithSilent;
export type LogFormat = 'pretty' | 'json';

export interface MockServerOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Each token is its own account, with scope `*` unless given as `{token, scopes}`. Default: one fresh `titan_dev_...` token. */
  tokens?: (string | TokenSpec)[];
  /** Lifts the SSRF rules and allows http URLs, for local receivers. */
  allowPrivateUrls?: boolean;
  /** Multiplies every retry wait, Retry-After included: 0.01 turns 5 s into 50 ms. Default 1. */
  timeScale?: number;
  /** Seconds per attempt, from connecting to the end of the response. Default 10. */
  deliveryTimeout?: number;
  /** pino level of the logs on stderr. Default `silent` (the CLI's default is `info`). */
  logLevel?: LogLevel;
  /** `json` lines, or `pretty` lines for people. Default: pretty when stderr is a terminal, else json. */
  logFormat?: LogFormat;
  /** Requests per window and token on /api. Default 600 a minute. */
  rateLimit?: RateLimitOptions;
  /** Tokens and webhooks to set up at start: a JSON or YAML file's path, or its content as an object. */
  config?: string | PreloadFile;
  /**
   * A SQLite file that keeps webhooks, deliveries and the development token across restarts,
   * created when missing. Default: everything in memory.
   */
  dataFile?: string;
  /** Deliveries kept per account; past it the oldest settled ones are forgotten. Default 10000. */
  retainDeliveries?: number;
}

export interface MockServerConfig {
  port: number;
  host: string;
  tokens: TokenSpec[];
  allowPrivateUrls: boolean;
  timeScale: number;
  deliveryTimeoutMs: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  rateLimit: RateLimitOptions;
  /** True when `tokens` is one generated development token (none was given). */
  developmentToken: boolean;
  dataFile: string | undefined;
  retainDeliveries: number;
}

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 10;
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 600, windowMs: 60_000 };
export const DEFAULT_RETAIN_DELIVERIES = 10_000;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/** A bad option value; the CLI prints the message and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const developmentToken = () => `titan_dev_${randomBytes(16).toString('hex')}`;

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConfigError(message);
}

// A token travels as `Bearer <token>` and TITAN_MOCK_TOKENS separates them with commas.
const TOKEN = /^[^\s,]{1,512}$/;

/** Why a token is unusable, or null. */
export function tokenProblem(token: unknown): string | null {
  return typeof token === 'string' && TOKEN.test(token)
    ? null
    : `invalid token ${JSON.stringify(token)}: 1 to 512 characters, no whitespace or commas`;
}

function tokenSpec(token: string | TokenSpec): TokenSpec {
  const spec = typeof token === 'string' ? { token, scopes: ['*'] } : token;
  const problem = tokenProblem(spec.token);
  if (problem !== null) throw new ConfigError(problem);
  check(
    Array.isArray(spec.scopes) && spec.scopes.every((s) => typeof s === 'string'),
    'token scopes must be an array of strings',
  );
  return { token: spec.token, scopes: [...spec.scopes] };
}

/** Defaults filled in and every value checked; throws ConfigError. */
export function resolveConfig(options: MockServerOptions = {}): MockServerConfig {
  const port = options.port ?? DEFAULT_PORT;
  check(Number.isInteger(port) && port >= 0 && port <= 65535, `invalid port ${port}: an integer from 0 to 65535`);
  const host = options.host ?? DEFAULT_HOST;
  check(typeof host === 'string' && host.length > 0, 'host must not be empty');
  const timeScale = options.timeScale ?? 1;
  check(Number.isFinite(timeScale) && timeScale >= 0, `invalid time scale ${timeScale}: a number of at least 0`);
  const deliveryTimeout = options.deliveryTimeout ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS;
  check(
    Number.isFinite(deliveryTimeout) && deliveryTimeout > 0 && deliveryTimeout <= 3600,
    `invalid delivery timeout ${deliveryTimeout}: seconds, more than 0 and at most 3600`,
  );
  const logLevel = options.logLevel ?? 'silent';
  check(LOG_LEVELS.includes(logLevel), `invalid log level ${logLevel}: one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = options.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json');
  check(LOG_FORMATS.includes(logFormat), `invalid log format ${logFormat}: one of ${LOG_FORMATS.join(', ')}`);
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  check(Number.isInteger(rateLimit.limit) && rateLimit.limit >= 1, 'rateLimit.limit must be a positive integer');
  check(
    Number.isInteger(rateLimit.windowMs) && rateLimit.windowMs >= 1,
    'rateLimit.windowMs must be a positive integer',
  );

  const { dataFile, retainDeliveries = DEFAULT_RETAIN_DELIVERIES } = options;
  check(dataFile === undefined || (typeof dataFile === 'string' && dataFile.length > 0), 'dataFile must not be empty');
  check(
    Number.isSafeInteger(retainDeliveries) && retainDeliveries >= 1,
    `invalid delivery retention ${retainDeliveries}: a whole number of at least 1`,
  );

  const tokens = (options.tokens?.length ? options.tokens : [developmentToken()]).map(tokenSpec);
  const duplicate = tokens.find((spec, index) => tokens.findIndex((other) => other.token === spec.token) !== index);
  check(duplicate === undefined, 'each token must be given once: every token is its own account');

  return {
    port,
    host,
    tokens,
    allowPrivateUrls: options.allowPrivateUrls ?? false,
    timeScale,
    deliveryTimeoutMs: deliveryTimeout * 1000,
    logLevel,
    logFormat,
    rateLimit: { limit: rateLimit.limit, windowMs: rateLimit.windowMs },
    developmentToken: !options.tokens?.length,
    dataFile,
    retainDeliveries,
  };
}
