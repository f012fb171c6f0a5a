/**
 * `@titan-webhooks/sdk/internal`: helpers the toolkit's own packages share. Not part of the public
 * API: anything here may change in any release, without a major version.
 */
export type { ConstructEventOptions } from './construct-event.js';
export { constructEvent, signatureDigest, verifyEnvelope, verifyWebhookSignature } from './construct-event.js';
export type { DeliveryHeaderFields } from './delivery.js';
export { DELIVERY_USER_AGENT, deliveryHeaders } from './delivery.js';
export type { Envelope } from './envelope.js';
export { COMMAND_RESULT_ID_PREFIX } from './envelope.js';
export { fromHex, isHex, toHex } from './hex.js';
export type { BinaryLike, HmacSha256, HmacSha256Equals } from './hmac/index.js';
export { hmacSha256, hmacSha256Equals } from './hmac/index.js';
export { newDeliveryId, newEventId } from './ids.js';
export { parseRetryAfter } from './retry-after.js';
export { eventSchemaName } from './schema-names.js';
export type { HmacKeys, RawBody } from './signature.js';
export { isRawBody, keyList, verifySignature } from './signature.js';
export type { ReceiverErrorCode, RequestErrorCode } from './webhook-errors.js';
export { TitanReceiverError, WebhookVerificationError } from './webhook-errors.js';
