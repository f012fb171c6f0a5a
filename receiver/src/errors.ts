import { type RequestErrorCode, TitanReceiverError } from '@titan-webhooks/sdk/internal';

const REQUEST_STATUS: Record<RequestErrorCode, number> = {
  unsupported_media_type: 415,
  payload_too_large: 413,
  request_timeout: 408,
  raw_body_unavailable: 500,
  // Not 2xx, so Titan retries it after the first delivery has finished (or failed and been released).
  delivery_in_progress: 409,
  // The body stream broke or the dedupe store failed: a 5xx, so Titan tries again.
  internal_error: 500,
};

/** A request the middleware or web handler refused before (or instead of) running handlers. */
export class WebhookRequestError extends TitanReceiverError {
  override readonly name = 'WebhookRequestError';
  readonly status: number;

  constructor(
    readonly code: RequestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = REQUEST_STATUS[code];
  }
}

/** The 413 error, from whichever step saw the size first. */
export function payloadTooLarge(maxBodyBytes: number): WebhookRequestError {
  return new WebhookRequestError('payload_too_large', `the body is larger than maxBodyBytes (${maxBodyBytes} bytes)`);
}

/** The 408 error: the body did not arrive within `bodyTimeoutMs`. */
export function requestTimeout(bodyTimeoutMs: number): WebhookRequestError {
  return new WebhookRequestError(
    'request_timeout',
    `the body did not arrive within bodyTimeoutMs (${bodyTimeoutMs} ms)`,
  );
}

/** A handler threw or rejected; `cause` is what it threw. Answered with 500 so Titan retries. */
export class WebhookHandlerError extends TitanReceiverError {
  override readonly name = 'WebhookHandlerError';
  readonly code = 'handler_failed' as const;
  readonly status = 500;

  constructor(
    readonly eventId: string,
    cause: unknown,
  ) {
    super(`a handler failed for event ${eventId}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
