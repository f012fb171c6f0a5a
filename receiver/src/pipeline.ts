import type { TitanEvent, UnknownEvent } from '@titan-webhooks/sdk';
import {
  keyList,
  type RawBody,
  signatureDigest,
  TitanReceiverError,
  verifyEnvelope,
  WebhookVerificationError,
} from '@titan-webhooks/sdk/internal';
import { isJsonContentType } from './content-type.js';
import { MemoryDedupeStore } from './dedupe.js';
import { handlersOf } from './dispatch.js';
import { payloadTooLarge, WebhookHandlerError, WebhookRequestError } from './errors.js';
import type { ReceiverOptions } from './options.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_DEDUPE_TTL_SECONDS = 24 * 60 * 60;
// How long a claim blocks duplicates if the process dies mid-handler; Titan gives up on an attempt after 10 s.
const DEFAULT_CLAIM_LEASE_SECONDS = 5 * 60;

/** A delivery as the framework adapters see it, before its body is read. */
export interface IncomingDelivery<Req> {
  request: Req;
  contentType: string | null;
  contentLength: string | null;
  signature: string | null;
  /**
   * The raw body; rejects with a WebhookRequestError without reading past `maxBytes` (too large), or
   * with a request timeout, having stopped reading, when it is not complete within `timeoutMs`.
   */
  readBody(maxBytes: number, timeoutMs: number): Promise<RawBody>;
  /** Called with the verified event before dedupe and dispatch (Express leaves it on `req.titanEvent`). */
  accept?(event: TitanEvent): void;
}

export type ResponseBody = { received: true; unknown?: true; duplicate?: true } | { error: string; code: string };

/** What to answer: the same for every framework. */
export interface Outcome {
  status: number;
  body: ResponseBody;
}

/** What runs a verified event: the handlers, or (Express without handlers) the next middleware. */
export type Dispatch<Req> = (event: TitanEvent, request: Req) => Promise<void>;

export type Pipeline<Req> = (delivery: IncomingDelivery<Req>, dispatch?: Dispatch<Req>) => Promise<Outcome>;

/**
 * The one pipeline behind the Express middleware and the web handler: content type, size, signature
 * header, body, verification, dedupe, dispatch. Options are checked here, once, so a misconfiguration
 * fails at startup.
 */
export function createPipeline<Req>(options: ReceiverOptions<Req>): Pipeline<Req> {
  const keys = keyList(options.hmacKey);
  if (keys.length === 0)
    throw new TypeError('titan-webhooks receiver: hmacKey must be a non-empty string or array of strings');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new TypeError('titan-webhooks receiver: maxBodyBytes must be a whole number of bytes');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isSafeInteger(bodyTimeoutMs) || bodyTimeoutMs <= 0)
    throw new TypeError('titan-webhooks receiver: bodyTimeoutMs must be a whole number of milliseconds, 1 or more');
  const { toleranceSeconds } = options;
  if (toleranceSeconds !== undefined && !(Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    throw new TypeError('titan-webhooks receiver: toleranceSeconds must be a number of seconds, 0 or more');
  }
  const leaseSeconds = options.claimLeaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS;
  if (!(Number.isFinite(leaseSeconds) && leaseSeconds > 0))
    throw new TypeError('titan-webhooks receiver: claimLeaseSeconds must be a number of seconds, more than 0');
  if (options.unknownEvents !== undefined && options.unknownEvents !== 'accept' && options.unknownEvents !== 'reject')
    throw new TypeError('titan-webhooks receiver: unknownEvents must be "accept" or "reject"');
  const store = options.dedupe === true ? new MemoryDedupeStore() : options.dedupe || undefined;
  const ttlSeconds = options.dedupeTtlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS;
  const handlers = handlersOf(options);

  async function run(delivery: IncomingDelivery<Req>, dispatch: Dispatch<Req>): Promise<Outcome> {
    if (!isJsonContentType(delivery.contentType)) {
      throw new WebhookRequestError(
        'unsupported_media_type',
        `Content-Type ${JSON.stringify(delivery.contentType ?? '')} is not JSON: Titan sends application/json`,
      );
    }
    if (delivery.contentLength !== null && Number(delivery.contentLength) > maxBodyBytes)
      throw payloadTooLarge(maxBodyBytes);
    // Refused before the body is read: an unsigned flood costs a header check, not a buffered upload.
    signatureDigest(delivery.signature);
    const rawBody = await delivery.readBody(maxBodyBytes, bodyTimeoutMs);
    const envelope = await verifyEnvelope(rawBody, delivery.signature, keys, { toleranceSeconds });
    if (!envelope.known) return unknownEvent(envelope.event, delivery.request);
    const { event } = envelope;
    delivery.accept?.(event);
    const run = () => runHandlers(event.id, () => dispatch(event, delivery.request));
    return once(event.id, run, { received: true });
  }

  function unknownEvent(event: UnknownEvent, request: Req): Promise<Outcome> {
    if (options.unknownEvents === 'reject') {
      throw new WebhookVerificationError('invalid_envelope', `"event" is not a Titan event name: "${event.event}"`);
    }
    const run = () => runHandlers(event.id, async () => void (await options.onUnknownEvent?.(event, request)));
    return once(event.id, run, { received: true, unknown: true });
  }

  /**
   * Runs the handlers unless the store has seen the event. Unknown events go through the store too:
   * onUnknownEvent is a handler with effects like any other, and Titan duplicates and retries them alike.
   */
  async function once(
    id: string,
    handle: () => Promise<void>,
    body: { received: true; unknown?: true },
  ): Promise<Outcome> {
    if (store === undefined) {
      await handle();
      return { status: 200, body };
    }
    const claim = await store.claim(id, leaseSeconds);
    if (claim === 'handled') return { status: 200, body: { ...body, duplicate: true } };
    if (claim === 'in_progress') {
      throw new WebhookRequestError(
        'delivery_in_progress',
        `event ${id} is being handled by another delivery; retry later`,
      );
    }
    try {
      await handle();
    } catch (error) {
      await store.release(id);
      throw error;
    }
    await store.complete(id, ttlSeconds);
    return { status: 200, body };
  }

  return async (delivery, dispatch = handlers) => {
    try {
      return await run(delivery, dispatch);
    } catch (error) {
      const failure =
        error instanceof TitanReceiverError
          ? error
          : new WebhookRequestError('internal_error', `the delivery could not be processed: ${String(error)}`, {
              cause: error,
            });
      await report(failure, delivery.request);
      return { status: failure.status, body: { error: publicMessage(failure), code: failure.code } };
    }
  };

  async function report(error: TitanReceiverError, request: Req): Promise<void> {
    try {
      await options.onError?.(error, request);
    } catch {
      // Logging must not change the answer Titan gets.
    }
  }
}

async function runHandlers(eventId: string, handle: () => Promise<void>): Promise<void> {
  try {
    await handle();
  } catch (error) {
    throw new WebhookHandlerError(eventId, error);
  }
}

// A handler's own message may hold internals; Titan's delivery log only needs to know it failed.
function publicMessage(error: TitanReceiverError): string {
  if (error instanceof WebhookHandlerError) return 'a webhook handler failed; Titan will retry the delivery';
  if (error.code === 'internal_error') return 'the delivery could not be processed; Titan will retry it';
  return error.message;
}
