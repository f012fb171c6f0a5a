import { isHex } from './hex.js';
import { hmacSha256Equals } from './hmac/index.js';

/** A raw request body: the exact bytes Titan signed, or their UTF-8 decoding. */
export type RawBody = string | Uint8Array;

/** One key, or several while rotating: a delivery signed with any of them is accepted. */
export type HmacKeys = string | readonly string[];

const PREFIX = 'sha256=';
const HEX_LENGTH = 64;

/**
 * The 64 characters after an optional `sha256=` (any case) of an `X-Webhook-Signature` value, or
 * null when the shape is wrong. Whether they are hex is left to the HMAC back end, which refuses
 * anything else, so the hot path scans the header once (see bench/verify).
 */
function signatureDigits(signature: string): string | null {
  if (signature.length === HEX_LENGTH) return signature;
  if (signature.length !== PREFIX.length + HEX_LENGTH) return null;
  for (let i = 0; i < PREFIX.length; i++) {
    // `| 32` lowercases ASCII letters; '=' and digits are compared as they are.
    const code = signature.charCodeAt(i);
    if ((i < 3 ? code | 32 : code) !== PREFIX.charCodeAt(i)) return null;
  }
  return signature.slice(PREFIX.length);
}

/**
 * The 64 hex digits of an `X-Webhook-Signature` value, or null when it is not in an accepted form:
 * exactly what the contract allows, an optional `sha256=` in any case, then 64 hex digits in either
 * case, nothing around.
 */
export function parseSignatureHeader(signature: string): string | null {
  const digits = signatureDigits(signature);
  return digits !== null && isHex(digits) ? digits : null;
}

/** The keys as a list; a non-string value (from untyped JavaScript callers) is never a usable key. */
export function keyList(hmacKey: HmacKeys): string[] {
  if (typeof hmacKey === 'string') return hmacKey.length > 0 ? [hmacKey] : [];
  const keys: readonly unknown[] = Array.isArray(hmacKey) ? hmacKey : [];
  return keys.filter((key): key is string => typeof key === 'string' && key.length > 0);
}

/** Whether `digest` is the HMAC of `rawBody` under one of `keys`, each compared in constant time. */
export function matchesAnyKey(rawBody: RawBody, digest: string, keys: readonly string[]): Promise<boolean> {
  // One key is the common case: a single promise on the hot path (hmacSha256Equals never rejects).
  if (keys.length === 1) return hmacSha256Equals(keys[0]!, rawBody, digest);
  // Every key is tried, so the time taken does not reveal which key (old or new) signed the body.
  return Promise.all(keys.map((key) => hmacSha256Equals(key, rawBody, digest))).then((results) =>
    results.includes(true),
  );
}

/**
 * Whether `signature` (the `X-Webhook-Signature` header) is a valid signature of the exact `rawBody`
 * under `hmacKey` (or one of several keys while rotating). Never throws: anything malformed is false.
 */
export function verifySignature(
  rawBody: RawBody,
  signature: string | null | undefined,
  hmacKey: HmacKeys,
): Promise<boolean> {
  // Not an async function: one promise per call instead of a chain of awaits (see bench/verify).
  try {
    if (typeof signature !== 'string' || !isRawBody(rawBody)) return NOT_VALID;
    const digits = signatureDigits(signature);
    if (digits === null) return NOT_VALID;
    // One non-empty key is the common case: no key list on the hot path.
    if (typeof hmacKey === 'string' && hmacKey.length > 0) return hmacSha256Equals(hmacKey, rawBody, digits);
    return matchesAnyKey(rawBody, digits, keyList(hmacKey));
  } catch {
    return NOT_VALID;
  }
}

const NOT_VALID = Promise.resolve(false);

/** Whether `value` is a body the HMAC back ends accept, for callers without types. */
export function isRawBody(value: unknown): value is RawBody {
  // Not `instanceof`: Buffers and Uint8Arrays from another realm (vm contexts, test runners) must pass too.
  return (
    typeof value === 'string' ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}
