import { TitanApiError, TitanNetworkError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface RetryOptions {
  /** Retries after the first try; default 2. */
  retries?: number;
  /** Base of the exponential backoff in ms; default 250. */
  baseDelayMs?: number;
  /** Largest backoff between two tries in ms; default 5000. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this ends the retries instead of waiting; default 60000. */
  maxRetryAfterMs?: number;
}

export interface HttpOptions {
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
  /** Timeout of each try in ms; default 30000. */
  timeoutMs?: number;
  /** Retries of idempotent requests (GET, PUT, DELETE) on 408, 425, 429, 5xx and network errors; `false` turns them off. */
  retry?: RetryOptions | false;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * A fetch with a timeout per try (body included) and retries with full-jitter backoff that honour
 * `Retry-After`. Responses come back buffered.
 */
export function createPolicyFetch(options: HttpOptions): (request: Request) => Promise<Response> {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  const retries = retry.retries ?? 2;
  const baseDelayMs = retry.baseDelayMs ?? 250;
  const maxDelayMs = retry.maxDelayMs ?? 5_000;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 60_000;

  return async function policyFetch(request: Request): Promise<Response> {
    const canRetry = IDEMPOTENT.has(request.method) ? retries : 0;
    for (let attempt = 0; ; attempt++) {
      const isLast = attempt >= canRetry;
      let answer: BufferedResponse;
      try {
        answer = await fetchWithTimeout(baseFetch, isLast ? request : request.clone(), timeoutMs);
      } catch (error) {
        if (isLast || request.signal.aborted) throw error;
        await sleep(backoff(attempt, baseDelayMs, maxDelayMs), request.signal);
        continue;
      }
      const { response } = answer;
      if (isLast || !isRetryable(response.status)) return readable(answer);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== null && retryAfter > maxRetryAfterMs) return readable(answer);
      await sleep(Math.max(retryAfter ?? 0, backoff(attempt, baseDelayMs, maxDelayMs)), request.signal);
    }
  };
}

const isRetryable = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

// Statuses whose Response may not carry a body, even an empty one.
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

interface BufferedResponse {
  response: Response;
  /** The body as read, kept so that checking it costs no second read. */
  text: string;
}

/** One try, body included: the timeout and the caller's signal cover the whole exchange. */
async function fetchWithTimeout(
  baseFetch: typeof fetch,
  request: Request,
  timeoutMs: number,
): Promise<BufferedResponse> {
  if (request.signal.aborted) throw request.signal.reason;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  const onAbort = () => timeout.abort(request.signal.reason);
  request.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // init.signal takes the place of the request's own; fetch builds its Request from both anyway.
    const response = await baseFetch(request, { signal: timeout.signal });
    // Buffered here, under the same timer: a server that stalls mid-body must not hang the call.
    const text = await response.text();
    const { status, statusText, headers } = response;
    return {
      response: new Response(NULL_BODY_STATUS.has(status) ? null : text, { status, statusText, headers }),
      text,
    };
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason ?? error;
    const timedOut = timeout.signal.aborted;
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : errorMessage(error);
    throw new TitanNetworkError(`${request.method} ${request.url} failed: ${reason}`, { cause: error, timedOut });
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
}

/** A 2xx whose body is not JSON is the API's fault, reported with its real status and text. */
function readable({ response, text }: BufferedResponse): Response {
  if (!response.ok || text === '') return response;
  try {
    JSON.parse(text);
  } catch {
    throw new TitanApiError(response.status, text);
  }
  return response;
}

function backoff(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `fetch failed (connect ECONNREFUSED ...)`: undici's message alone never says why. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return error.message + cause;
  }
  return String(error);
}
