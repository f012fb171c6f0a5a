import { type Envelope, parseJson, toEvent } from './envelope.js';
import type { TitanEvent } from './generated/events.js';
import { type HmacKeys, isRawBody, keyList, matchesAnyKey, parseSignatureHeader, type RawBody } from './signature.js';
import { WebhookVerificationError } from './webhook-errors.js';

export interface ConstructEventOptions {
  /**
   * Refuse events whose signed `timestamp` is further than this from now (`timestamp_out_of_tolerance`).
   * Titan keeps the event's timestamp on every retry, so allow for the whole retry schedule.
   */
  toleranceSeconds?: number | undefined;
  /** The current time; for tests. */
  now?: Date | undefined;
}

/**
 * Verifies `signature` over the exact `rawBody`, parses it and checks the envelope: the typed event,
 * or a `WebhookVerificationError` whose `code` says what is wrong. An event name this version does not
 * know is `unknown_event`, with the verified envelope on `error.event`. Throws nothing else.
 */
export async function constructEvent(
  rawBody: RawBody,
  signature: string | null | undefined,
  hmacKey: HmacKeys,
  options: ConstructEventOptions = {},
): Promise<TitanEvent> {
  const envelope = await verifyEnvelope(rawBody, signature, hmacKey, options);
  if (!envelope.known) {
    throw new WebhookVerificationError(
      'unknown_event',
      `"${envelope.event.event}" is not an event this version knows: update @titan-webhooks, or handle it as unknown`,
      envelope.event,
    );
  }
  return envelope.event;
}

/**
 * The same checks under the name and argument order of Titan's own TypeScript SDK, so code written
 * from Titan's docs runs unchanged: the verified, typed event, or a `WebhookVerificationError`.
 */
export function verifyWebhookSignature(
  rawBody: RawBody,
  signatureHeader: string | null | undefined,
  secret: HmacKeys,
): Promise<TitanEvent> {
  return constructEvent(rawBody, signatureHeader, secret);
}

/** What `constructEvent` checks, with an unknown event name returned as such instead of thrown. */
export async function verifyEnvelope(
  rawBody: RawBody,
  signature: string | null | undefined,
  hmacKey: HmacKeys,
  options: ConstructEventOptions = {},
): Promise<Envelope> {
  await verifyOrThrow(rawBody, signature, hmacKey);
  const now = options.now ?? new Date();
  const envelope = toEvent(parseJson(rawBody), now);
  if (envelope.signedTimestamp && options.toleranceSeconds !== undefined)
    checkTolerance(envelope.event.timestamp, now, options.toleranceSeconds);
  return envelope;
}

/**
 * The 64 hex digits of an `X-Webhook-Signature` value, or `missing_signature` /
 * `invalid_signature_format`: what can be refused from the header alone, before any body is read.
 */
export function signatureDigest(signature: string | null | undefined): string {
  if (signature === undefined || signature === null || signature === '') {
    throw new WebhookVerificationError(
      'missing_signature',
      'no X-Webhook-Signature header: is an hmacKey set on the webhook?',
    );
  }
  const digest = typeof signature === 'string' ? parseSignatureHeader(signature) : null;
  if (digest === null) {
    throw new WebhookVerificationError(
      'invalid_signature_format',
      'X-Webhook-Signature is not "sha256=" followed by 64 hex digits',
    );
  }
  return digest;
}

async function verifyOrThrow(rawBody: RawBody, signature: string | null | undefined, hmacKey: HmacKeys): Promise<void> {
  const digest = signatureDigest(signature);
  let keys: string[] = [];
  let matches = false;
  try {
    keys = keyList(hmacKey);
    matches = keys.length > 0 && isRawBody(rawBody) && (await matchesAnyKey(rawBody, digest, keys));
  } catch {
    // Exotic keys or bodies from untyped callers are a mismatch, not a crash: this function throws nothing else.
  }
  if (keys.length === 0) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      'no hmacKey configured: pass the key Titan returned when the webhook was created',
    );
  }
  if (!matches) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      'the signature does not match the body: check the hmacKey, and that the body is the raw bytes as received (not re-serialised JSON)',
    );
  }
}

function checkTolerance(timestamp: string, now: Date, toleranceSeconds: number): void {
  const skewSeconds = Math.abs(now.getTime() - Date.parse(timestamp)) / 1000;
  if (!(skewSeconds <= toleranceSeconds)) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `the event timestamp ${timestamp} is ${Math.round(skewSeconds)} s from now, more than the ${toleranceSeconds} s tolerance`,
    );
  }
}
