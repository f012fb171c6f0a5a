import { parseRetryAfter } from '@titan-webhooks/sdk/internal';
import { type Dispatcher, request } from 'undici';

/** The response body is read and discarded up to this much; past it the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface AttemptOutcome {
  /** The receiver's status, null when none was received. */
  statusCode: number | null;
  /** Why the attempt failed without a usable answer, null otherwise. */
  error: string | null;
  /** The response's Retry-After in ms, null when absent or unreadable. */
  retryAfterMs: number | null;
}

export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * One POST, never throwing. The timer covers the whole exchange, reading the response body
 * included, so a receiver that never answers and one that trickles its body forever both end
 * as timeouts. Redirects are not followed: undici's `request` has no redirect handling unless
 * an interceptor adds it, so a 3xx comes back as a plain status.
 */
export async function sendAttempt(dispatcher: Dispatcher, attempt: AttemptRequest): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), attempt.timeoutMs);
  let statusCode: number | null = null;
  let retryAfterMs: number | null = null;
  try {
    const response = await request(attempt.url, {
      method: 'POST',
      headers: attempt.headers,
      body: attempt.body,
      dispatcher,
      signal: controller.signal,
    });
    statusCode = response.statusCode;
    const retryAfter = response.headers['retry-after'];
    retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    // Reads and discards the body; past the limit the connection is dropped, and a timeout aborts it.
    await response.body.dump({ limit: MAX_RESPONSE_BYTES, signal: controller.signal });
    return { statusCode, error: null, retryAfterMs };
  } catch (error) {
    const message = controller.signal.aborted
      ? `timeout: no complete response within ${attempt.timeoutMs} ms`
      : describeError(error);
    return { statusCode, error: message, retryAfterMs };
  } finally {
    clearTimeout(timer);
  }
}

/** Words for the usual network failures, keeping the underlying message for detail. */
const LABELS: Record<string, string> = {
  ERR_SSRF_BLOCKED: 'blocked by SSRF protection',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

function describeError(error: unknown): string {
  // Duck-typed: errors from another realm (a vm context, jest) fail `instanceof Error`.
  const { message, code, cause } = (error ?? {}) as { message?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (typeof message !== 'string') return String(error);
  const key = typeof code === 'string' ? code : cause?.code;
  const label = typeof key === 'string' ? LABELS[key] : undefined;
  return label === undefined ? message : `${label}: ${message}`;
}
