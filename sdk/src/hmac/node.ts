import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac.js';

// Synchronous node:crypto behind the async contract: no Web Crypto round trip on Node, Deno or Bun.
export const hmacSha256: HmacSha256 = async (key, data) => digest(key, data);

const NOT_EQUAL = Promise.resolve(false);

export const hmacSha256Equals: HmacSha256Equals = (key, data, expected) => {
  try {
    const actual = digest(key, data);
    return Promise.resolve(actual.length === expected.length && timingSafeEqual(actual, expected));
  } catch {
    return NOT_EQUAL;
  }
};

function digest(key: string, data: BinaryLike): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
