import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac.js';

// Synchronous node:crypto behind the async contract: no Web Crypto round trip on Node, Deno or Bun.
export const hmacSha256: HmacSha256 = async (key, data) => digest(key, data);

export const hmacSha256Equals: HmacSha256Equals = async (key, data, expected) => {
  const actual = digest(key, data);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

function digest(key: string, data: BinaryLike): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
