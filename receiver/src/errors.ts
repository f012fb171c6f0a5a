/** Why a delivery failed verification; see the README's table for what each means and how to fix it. */
export type VerificationErrorCode =
  | 'missing_signature'
  | 'invalid_signature_format'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'timestamp_out_of_tolerance';

/** Why a request was refused before or after verification. */
export type RequestErrorCode =
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'raw_body_unavailable'
  | 'delivery_in_progress'
  | 'internal_error';

/** Every `code` a receiver answers with. */
export type ReceiverErrorCode = VerificationErrorCode | RequestErrorCode | 'handler_failed';

/** Base of every error the receiver produces: a machine `code` and the HTTP `status` it is answered with. */
export abstract class TitanReceiverError extends Error {
  abstract readonly code: ReceiverErrorCode;
  abstract readonly status: number;
}

// 401 tells Titan (and whoever reads its delivery log) the key is wrong; 400 means the signed body itself is unusable.
const VERIFICATION_STATUS: Record<VerificationErrorCode, number> = {
  missing_signature: 401,
  invalid_signature_format: 401,
  signature_mismatch: 401,
  invalid_json: 400,
  invalid_envelope: 400,
  timestamp_out_of_tolerance: 400,
};

/** The only error `constructEvent` throws. */
export class WebhookVerificationError extends TitanReceiverError {
  override readonly name = 'WebhookVerificationError';
  readonly status: number;

  constructor(
    readonly code: VerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.status = VERIFICATION_STATUS[code];
  }
}

const REQUEST_STATUS: Record<RequestErrorCode, number> = {
  unsupported_media_type: 415,
  payload_too_large: 413,
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
