export type {
  EventMap,
  EventName,
  HmacKeys,
  RawBody,
  TitanEvent,
  UnknownEvent,
  VerificationErrorCode,
} from '@titan-webhooks/sdk';
export { isEvent, signPayload } from '@titan-webhooks/sdk';
export type { ConstructEventOptions, ReceiverErrorCode, RequestErrorCode } from '@titan-webhooks/sdk/internal';
// From /internal, not the root: the error classes must be the very ones constructEvent throws.
export {
  COMMAND_RESULT_ID_PREFIX,
  constructEvent,
  TitanReceiverError,
  verifySignature,
  verifyWebhookSignature,
  WebhookVerificationError,
} from '@titan-webhooks/sdk/internal';
export type { ClaimResult, DedupeStore, MemoryDedupeStoreOptions } from './dedupe.js';
export { MemoryDedupeStore } from './dedupe.js';
export { WebhookHandlerError, WebhookRequestError } from './errors.js';
export type { TitanMiddleware, TitanWebhookRequest } from './express.js';
export { titanWebhooks } from './express.js';
export type { EventHandler, EventHandlers, ReceiverOptions } from './options.js';
export type { WebhookHandler } from './web.js';
export { createWebhookHandler } from './web.js';
