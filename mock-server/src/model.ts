/**
 * The shapes the API layer (src/api), the store (src/store) and the delivery engine (src/delivery) share.
 * The store keeps webhooks and deliveries; the engine runs deliveries and learns of webhook changes
 * from the store's change events.
 */
import type { EventName, TitanEvent, Webhook } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFaults, DeliveryFilter } from '@titan-webhooks/sdk/mock';
import type { MockStore } from './store/store.js';

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

/** A redelivery started, or why not: no such delivery in the account, or its webhook cannot take one. */
export type Redelivery = EmittedDelivery | 'not_found' | 'webhook_deleted' | 'webhook_disabled';

/** A delivery of one event of a sequence. */
export interface SequenceDelivery extends EmittedDelivery {
  eventId: string;
}

export interface DeliveryEngineOptions {
  /** Where webhooks are read and deliveries kept; the engine subscribes to its changes. */
  store: MockStore;
  /** Multiplies every retry wait, Retry-After included. */
  timeScale: number;
  /** Per attempt, from connecting to the end of the response. */
  deliveryTimeoutMs: number;
  /** Lifts the SSRF checks at connect time. */
  allowPrivateUrls: boolean;
  logger: import('pino').Logger;
}

export interface DeliveryEngine {
  /**
   * Fans the event out to the account's enabled, matching webhooks, misbehaving as `faults` asks;
   * returns the deliveries created, duplicates included.
   */
  emit(accountId: AccountId, event: TitanEvent, faults?: DeliveryFaults): EmittedDelivery[];
  /**
   * Fans the events out in this order, each webhook receiving them one at a time: an event's first
   * attempt starts once that webhook's deliveries of the event before have all settled.
   */
  emitInOrder(accountId: AccountId, events: readonly TitanEvent[], faults?: DeliveryFaults): SequenceDelivery[];
  /** A new delivery of the same event to the delivery's webhook as it is now, on a fresh retry schedule. */
  redeliver(accountId: AccountId, deliveryId: string): Redelivery;
  /** Resolves with the matching deliveries once `count` of them are no longer pending (or `count` exist, if `settled` is false). */
  waitFor(
    accountId: AccountId,
    filter: DeliveryFilter & { count?: number; settled?: boolean },
    timeoutMs: number,
  ): Promise<Delivery[]>;
  /** Stops scheduling, leaving pending deliveries pending; waits up to graceMs for attempts on the wire. */
  close(graceMs: number): Promise<void>;
}

export type { EventName };
