import { parseRetryAfter } from '@titan-webhooks/sdk/internal';
import { type Dispatcher, request } from 'undici';
import { Deadline } from './deadline.js';
import { joinHeaders, type ReceivedResponse, readBody } from './response-body.js';

export interface AttemptOutcome {
  /** The receiver's status, null when none was received. */
  statusCode: number | null;
  /** Why the attempt failed without a usable answer, null otherwise. */
  error: string | null;
  /** The response's Retry-After in ms, null when absent or unreadable. */
  retryAfterMs: number | null;
  /** What the receiver answered, null when no answer arrived. */
  response: ReceivedResponse | null;
}

export interface AttemptRequest {
  url: string;
  /** A flat name, value, name, value... list. */
  headers: string[];
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
  const deadline = new Deadline(attempt.timeoutMs);
  try {
    const response = await request(attempt.url, {
      method: 'POST',
      headers: attempt.headers,
      body: attempt.body,
      dispatcher,
      signal: deadline,
    });
    const { statusCode, headers } = response;
    const retryAfter = headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    const { body, truncated, aborted } = await readBody(response.body, deadline);
    return {
      statusCode,
      error: aborted ? timeoutMessage(attempt.timeoutMs) : null,
      retryAfterMs,
      response: { headers: joinHeaders(headers), body, truncated },
    };
  } catch (error) {
    const message = deadline.aborted ? timeoutMessage(attempt.timeoutMs) : describeError(error);
    return { statusCode: null, error: message, retryAfterMs: null, response: null };
  } finally {
    deadline.clear();
  }
}

const timeoutMessage = (ms: number) => `timeout: no complete response within ${ms} ms`;

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
