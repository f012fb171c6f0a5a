import type { TitanEvent } from '@titan-webhooks/sdk';
import { parseJson, toEvent } from './envelope.js';
import { WebhookVerificationError } from './errors.js';
import { type HmacKeys, isRawBody, keyList, matchesAnyKey, parseSignatureHeader, type RawBody } from './signature.js';

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
 * or a `WebhookVerificationError` whose `code` says what is wrong. Throws nothing else.
 */
export async function constructEvent(
  rawBody: RawBody,
  signature: string | null | undefined,
  hmacKey: HmacKeys,
  options: ConstructEventOptions = {},
): Promise<TitanEvent> {
  await verifyOrThrow(rawBody, signature, hmacKey);
  const now = options.now ?? new Date();
  const { event, signedTimestamp } = toEvent(parseJson(rawBody), now);
  if (signedTimestamp && options.toleranceSeconds !== undefined)
    checkTolerance(event.timestamp, now, options.toleranceSeconds);
  return event;
}

async function verifyOrThrow(rawBody: RawBody, signature: string | null | undefined, hmacKey: HmacKeys): Promise<void> {
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
