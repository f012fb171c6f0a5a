import type { TitanEvent } from '@titan-webhooks/sdk';
import { constructEvent } from './construct-event.js';
import { isJsonContentType } from './content-type.js';
import { type DedupeStore, MemoryDedupeStore } from './dedupe.js';
import { handlersOf } from './dispatch.js';
import { payloadTooLarge, TitanReceiverError, WebhookHandlerError, WebhookRequestError } from './errors.js';
import type { ReceiverOptions } from './options.js';
import { keyList, type RawBody } from './signature.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_DEDUPE_TTL_SECONDS = 24 * 60 * 60;
// How long a claim blocks duplicates if the process dies mid-handler; Titan gives up on an attempt after 10 s.
const CLAIM_LEASE_SECONDS = 5 * 60;

/** A delivery as the framework adapters see it, before its body is read. */
export interface IncomingDelivery<Req> {
  request: Req;
  contentType: string | null;
  contentLength: string | null;
  signature: string | null;
  /** The raw body; rejects with a WebhookRequestError (too large, unavailable) without reading past `maxBytes`. */
  readBody(maxBytes: number): Promise<RawBody>;
  /** Called with the verified event before dedupe and dispatch (Express leaves it on `req.titanEvent`). */
  accept?(event: TitanEvent): void;
}

export type ResponseBody = { received: true; duplicate?: true } | { error: string; code: string };

/** What to answer: the same for every framework. */
export interface Outcome {
  status: number;
  body: ResponseBody;
}

/** What runs a verified event: the handlers, or (Express without handlers) the next middleware. */
export type Dispatch<Req> = (event: TitanEvent, request: Req) => Promise<void>;

export type Pipeline<Req> = (delivery: IncomingDelivery<Req>, dispatch?: Dispatch<Req>) => Promise<Outcome>;

/**
 * The one pipeline behind the Express middleware and the web handler: content type, size, signature,
 * parse, dedupe, dispatch. Options are checked here, once, so a misconfiguration fails at startup.
 */
export function createPipeline<Req>(options: ReceiverOptions<Req>): Pipeline<Req> {
  const keys = keyList(options.hmacKey);
  if (keys.length === 0)
    throw new TypeError('titan-webhooks receiver: hmacKey must be a non-empty string or array of strings');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new TypeError('titan-webhooks receiver: maxBodyBytes must be a whole number of bytes');
  const { toleranceSeconds } = options;
  if (toleranceSeconds !== undefined && !(Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    throw new TypeError('titan-webhooks receiver: toleranceSeconds must be a number of seconds, 0 or more');
  }
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
    const rawBody = await delivery.readBody(maxBodyBytes);
    const event = await constructEvent(rawBody, delivery.signature, keys, {
      toleranceSeconds: options.toleranceSeconds,
    });
    delivery.accept?.(event);
    if (store === undefined) {
      await runHandlers(dispatch, event, delivery.request);
      return { status: 200, body: { received: true } };
    }
    return dedupeAndRun(store, dispatch, event, delivery.request);
  }

  async function dedupeAndRun(
    store: DedupeStore,
    dispatch: Dispatch<Req>,
    event: TitanEvent,
    request: Req,
  ): Promise<Outcome> {
    const claim = await store.claim(event.id, CLAIM_LEASE_SECONDS);
    if (claim === 'handled') return { status: 200, body: { received: true, duplicate: true } };
    if (claim === 'in_progress') {
      throw new WebhookRequestError(
        'delivery_in_progress',
        `event ${event.id} is being handled by another delivery; retry later`,
      );
    }
    try {
      await runHandlers(dispatch, event, request);
    } catch (error) {
      await store.release(event.id);
      throw error;
    }
    await store.complete(event.id, ttlSeconds);
    return { status: 200, body: { received: true } };
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

async function runHandlers<Req>(dispatch: Dispatch<Req>, event: TitanEvent, request: Req): Promise<void> {
  try {
    await dispatch(event, request);
  } catch (error) {
    throw new WebhookHandlerError(event.id, error);
  }
}

// A handler's own message may hold internals; Titan's delivery log only needs to know it failed.
function publicMessage(error: TitanReceiverError): string {
  if (error instanceof WebhookHandlerError) return 'a webhook handler failed; Titan will retry the delivery';
  if (error.code === 'internal_error') return 'the delivery could not be processed; Titan will retry it';
  return error.message;
}
