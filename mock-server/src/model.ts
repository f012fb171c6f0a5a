/**
 * The shapes the API layer (src/api) and the delivery engine (src/delivery) share.
 * The API layer owns webhooks; the engine owns deliveries and reads webhooks through WebhookSource.
 */
import type { EventName, TitanEvent, Webhook } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFilter } from '@titan-webhooks/sdk/mock';

/** An account is identified by its bearer token's account id. */
export type AccountId = string;

/** A webhook as stored: every public field (the mock server always sends them all) plus its owner and key. */
export interface StoredWebhook extends Required<Webhook> {
  accountId: AccountId;
  hmacKey: string | null;
}

/** How the engine reads webhooks: always the current version, so attempts use current url, headers and key. */
export interface WebhookSource {
  get(id: number): StoredWebhook | undefined;
}

export interface EmittedDelivery {
  id: string;
  webhookId: number;
}

export interface DeliveryEngineOptions {
  webhooks: WebhookSource;
  /** Multiplies every retry wait, Retry-After included. */
  timeScale: number;
  /** Per attempt, from connecting to the end of the response. */
  deliveryTimeoutMs: number;
  /** Lifts the SSRF checks at connect time. */
  allowPrivateUrls: boolean;
  logger: import('pino').Logger;
}

export interface DeliveryEngine {
  /** Index maintenance; call after the store changed. `before` is undefined on create, `after` on delete. */
  webhookChanged(before: StoredWebhook | undefined, after: StoredWebhook | undefined): void;
  /** Fans the event out to the account's enabled, matching webhooks; returns the deliveries created. */
  emit(accountId: AccountId, event: TitanEvent): EmittedDelivery[];
  list(accountId: AccountId, filter?: DeliveryFilter): Delivery[];
  get(accountId: AccountId, id: string): Delivery | undefined;
  /** Resolves with the matching deliveries once `count` of them are no longer pending (or `count` exist, if `settled` is false). */
  waitFor(
    accountId: AccountId,
    filter: DeliveryFilter & { count?: number; settled?: boolean },
    timeoutMs: number,
  ): Promise<Delivery[]>;
  /** Cancels and forgets the account's deliveries. */
  reset(accountId: AccountId): void;
  /** Stops scheduling; waits up to graceMs for attempts on the wire. */
  close(graceMs: number): Promise<void>;
}

export type { EventName };
