/**
 * `@titan-webhooks/sdk/internal`: helpers the toolkit's own packages share. Not part of the public
 * API: anything here may change in any release, without a major version.
 */
export type { DeliveryHeaderFields } from './delivery.js';
export { DELIVERY_USER_AGENT, deliveryHeaders } from './delivery.js';
export { fromHex, isHex, toHex } from './hex.js';
export type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac/index.js';
export { hmacSha256, hmacSha256Equals } from './hmac/index.js';
export { newDeliveryId, newEventId } from './ids.js';
export { parseRetryAfter } from './retry-after.js';
export { eventSchemaName } from './schema-names.js';
