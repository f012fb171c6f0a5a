import { fromHex } from '../hex.js';
import type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac.js';

const encoder = new TextEncoder();
// importKey dominates the cost of one HMAC with Web Crypto, so keys are imported once.
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 64;

function importKey(key: string): Promise<CryptoKey> {
  let cryptoKey = keyCache.get(key);
  if (cryptoKey === undefined) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    cryptoKey = crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(key, cryptoKey);
  }
  return cryptoKey;
}

// Web Crypto types want ArrayBuffer-backed views; callers' Uint8Arrays always are.
function toBytes(data: BinaryLike): BufferSource {
  return (typeof data === 'string' ? encoder.encode(data) : data) as BufferSource;
}

export const hmacSha256: HmacSha256 = async (key, data) =>
  new Uint8Array(await crypto.subtle.sign('HMAC', await importKey(key), toBytes(data)));

// crypto.subtle.verify compares in constant time.
export const hmacSha256Equals: HmacSha256Equals = async (key, data, hexDigest) => {
  const digest = fromHex(hexDigest);
  if (digest === null) return false;
  try {
    return await crypto.subtle.verify('HMAC', await importKey(key), toBytes(digest), toBytes(data));
  } catch {
    return false;
  }
};
