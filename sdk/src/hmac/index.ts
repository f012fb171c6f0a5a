/**
 * The HMAC back end for this runtime, re-exported with its declared types: `#hmac` resolves through
 * package.json "imports", which older resolvers (node10) cannot follow, so the published declarations
 * must not depend on it.
 */
import { hmacSha256Equals as backendEquals, hmacSha256 as backendHmac } from '#hmac';
import type { HmacSha256, HmacSha256Equals } from './hmac.js';

export type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac.js';
export const hmacSha256: HmacSha256 = backendHmac;
export const hmacSha256Equals: HmacSha256Equals = backendEquals;
