export { createTitanClient } from './client.js';
export type {
  ClientOptions,
  DeleteResult,
  RequestOptions,
  Retries,
  RetryPolicyName,
  TitanClient,
  Webhook,
  WebhookCreate,
  WebhookHeader,
  WebhookUpdate,
  WebhookWithKey,
  WebhooksApi,
} from './client.js';
export type { HttpOptions, RetryOptions } from './http.js';
export { TitanApiError, TitanError, TitanNetworkError } from './errors.js';
export type { ErrorDetail } from './errors.js';
export { createMockControl } from './mock-control.js';
export type { Delivery, DeliveryAttempt, DeliveryFilter, DeliveryStatus, EmitResult, MockControl } from './mock-control.js';
export { SIGNATURE_PREFIX, signPayload } from './signing.js';
export { hmacSha256, hmacSha256Equals } from '#hmac';
export type { BinaryLike } from './hmac/hmac.js';
export { fromHex, isHex, toHex } from './hex.js';
export { buildTestDelivery, createEvent, deliveryHeaders, DELIVERY_USER_AGENT } from './delivery.js';
export type { DeliveryHeaderFields, EventOptions, TestDelivery, TestDeliveryOptions } from './delivery.js';
export { newDeliveryId, newEventId } from './ids.js';
export { parseRetryAfter } from './retry-after.js';
export { eventSchemaName } from './schema-names.js';
export { VERSION } from './version.js';
export * from './generated/events.js';
export { EVENT_EXAMPLES } from './generated/examples.js';
export type { components as ApiComponents, paths as ApiPaths, webhooks as ApiWebhooks } from './generated/titan-api.js';
