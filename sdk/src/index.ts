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
  WebhooksApi,
  WebhookUpdate,
  WebhookWithKey,
} from './client.js';
export { createTitanClient } from './client.js';
export { verifyWebhookSignature } from './construct-event.js';
export type { EventOptions, TestDelivery, TestDeliveryOptions } from './delivery.js';
export { buildTestDelivery, createEvent } from './delivery.js';
export type { UnknownEvent } from './envelope.js';
export type { ErrorDetail } from './errors.js';
export { TitanApiError, TitanError, TitanNetworkError } from './errors.js';
export * from './generated/events.js';
export { EVENT_EXAMPLES } from './generated/examples.js';
export type {
  components as ApiComponents,
  paths as ApiPaths,
  webhooks as ApiWebhooks,
} from './generated/titan-api.js';
export type { BinaryLike } from './hmac/index.js';
export type { HttpOptions, RetryOptions } from './http.js';
export { isEvent } from './is-event.js';
export type { HmacKeys, RawBody } from './signature.js';
export { SIGNATURE_PREFIX, signPayload } from './signing.js';
export { VERSION } from './version.js';
export type { VerificationErrorCode } from './webhook-errors.js';
export { WebhookVerificationError } from './webhook-errors.js';
