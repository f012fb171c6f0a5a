import type { UnknownEvent } from './envelope.js';

/** Why a delivery failed verification; the receiver's README has a table of what each means and how to fix it. */
export type VerificationErrorCode =
  | 'missing_signature'
  | 'invalid_signature_format'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'unknown_event'
  | 'timestamp_out_of_tolerance';

/** Why a receiver refused a request before or after verification. */
export type RequestErrorCode =
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'request_timeout'
  | 'raw_body_unavailable'
  | 'delivery_in_progress'
  | 'internal_error';

/** Every `code` a receiver answers with. */
export type ReceiverErrorCode = VerificationErrorCode | RequestErrorCode | 'handler_failed';

/** Base of every error from checking or handling a delivery: a machine `code` and the HTTP `status` it is answered with. */
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
  unknown_event: 400,
  timestamp_out_of_tolerance: 400,
};

/** The only error `verifyWebhookSignature` (and `constructEvent`) throws. */
export class WebhookVerificationError extends TitanReceiverError {
  override readonly name = 'WebhookVerificationError';
  readonly status: number;
  /** With `unknown_event`: the verified envelope, whose `event` is a name this version does not know. */
  readonly event: UnknownEvent | undefined;

  constructor(
    readonly code: VerificationErrorCode,
    message: string,
    event?: UnknownEvent,
  ) {
    super(message);
    this.status = VERIFICATION_STATUS[code];
    this.event = event;
  }
}
