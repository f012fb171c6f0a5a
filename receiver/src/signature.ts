import { fromHex, hmacSha256Equals } from '@titan-webhooks/sdk';

/** A raw request body: the exact bytes Titan signed, or their UTF-8 decoding. */
export type RawBody = string | Uint8Array;

/** One key, or several while rotating: a delivery signed with any of them is accepted. */
export type HmacKeys = string | readonly string[];

// Exactly what DECISIONS §2 allows: optional `sha256=` in any case, then 64 hex digits in either case, nothing around.
const SIGNATURE = /^(?:sha256=)?([0-9a-f]{64})$/i;

/** The digest bytes of an `X-Webhook-Signature` value, or null when it is not in an accepted form. */
export function parseSignatureHeader(signature: string): Uint8Array | null {
  const hex = SIGNATURE.exec(signature)?.[1];
  return hex === undefined ? null : fromHex(hex);
}

/** The keys as a list; a non-string value (from untyped JavaScript callers) is never a usable key. */
export function keyList(hmacKey: HmacKeys): string[] {
  const keys = typeof hmacKey === 'string' ? [hmacKey] : Array.isArray(hmacKey) ? hmacKey : [];
  return keys.filter((key): key is string => typeof key === 'string' && key.length > 0);
}

/** Whether `digest` is the HMAC of `rawBody` under one of `keys`, each compared in constant time. */
export async function matchesAnyKey(rawBody: RawBody, digest: Uint8Array, keys: readonly string[]): Promise<boolean> {
  // Every key is tried, so the time taken does not reveal which key (old or new) signed the body.
  const results = await Promise.all(keys.map((key) => hmacSha256Equals(key, rawBody, digest)));
  return results.includes(true);
}

/**
 * Whether `signature` (the `X-Webhook-Signature` header) is a valid signature of the exact `rawBody`
 * under `hmacKey` (or one of several keys while rotating). Never throws: anything malformed is false.
 */
export async function verifySignature(
  rawBody: RawBody,
  signature: string | null | undefined,
  hmacKey: HmacKeys,
): Promise<boolean> {
  try {
    if (typeof signature !== 'string' || !isRawBody(rawBody)) return false;
    const digest = parseSignatureHeader(signature);
    return digest !== null && (await matchesAnyKey(rawBody, digest, keyList(hmacKey)));
  } catch {
    return false;
  }
}

/** Whether `value` is a body the HMAC back ends accept, for callers without types. */
export function isRawBody(value: unknown): value is RawBody {
  // Not `instanceof`: Buffers and Uint8Arrays from another realm (vm contexts, test runners) must pass too.
  return typeof value === 'string' || (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]');
}
