import { toHex } from './hex.js';
import type { BinaryLike } from './hmac/hmac.js';
import { hmacSha256 } from './hmac/index.js';

/** The prefix of every `X-Webhook-Signature` value Titan sends. */
export const SIGNATURE_PREFIX = 'sha256=';

/**
 * The `X-Webhook-Signature` value for `rawBody`: `sha256=` + lowercase hex HMAC-SHA256 keyed with
 * `hmacKey`. Sign the exact bytes you send; re-serialised JSON is a different body.
 */
export async function signPayload(rawBody: BinaryLike, hmacKey: string): Promise<string> {
  // Web Crypto cannot import an empty key; refusing it everywhere keeps every runtime's answer the same.
  if (typeof hmacKey !== 'string' || hmacKey.length === 0)
    throw new TypeError('signPayload: hmacKey must be a non-empty string');
  return SIGNATURE_PREFIX + toHex(await hmacSha256(hmacKey, rawBody));
}
