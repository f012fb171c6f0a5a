/**
 * The mock server's state behind one interface: accounts, webhooks, deliveries with their attempts
 * and pending retries, and the development token. Reads are synchronous; every change is applied at
 * once and published to subscribers, and `durable()` says when the changes made so far are committed.
 */
import type { DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import type { AttemptRecord, DeliveryState, EventBody, SignatureMode } from '../delivery/records.js';
import type { ReceivedResponse } from '../delivery/response-body.js';
import type { AccountId, StoredWebhook, WebhookSource } from '../model.js';

/** What changed, as subscribers learn it, in the order the changes were made. */
export type StoreChange =
  /** `before` is undefined on create, `after` on delete. */
  | { type: 'webhook'; before: StoredWebhook | undefined; after: StoredWebhook | undefined }
  /**
   * A delivery was created (`previous` undefined) or changed: an attempt started or finished, or its
   * status changed from `previous` (equal to the current status when only its attempts changed).
   */
  | { type: 'delivery'; delivery: DeliveryState; previous: DeliveryStatus | undefined }
  /** Deliveries dropped by a reset or by retention; they are no longer listed. */
  | { type: 'forgotten'; accountId: AccountId; deliveries: readonly DeliveryState[] };

export type StoreListener = (change: StoreChange) => void;

/** A delivery as the engine creates it; the store gives it its id and place in the order. */
export interface NewDelivery {
  accountId: AccountId;
  webhookId: number;
  event: EventBody;
  retries: StoredWebhook['retries'];
  url: string;
  /** Epoch ms before which the first attempt does not start; creation time when omitted. */
  firstDue?: number;
  signatureMode?: SignatureMode;
  /** Ids of the deliveries that must settle first. */
  waitsFor?: readonly string[];
}

export interface DeliveryPage {
  deliveries: DeliveryState[];
  /** The `seq` to continue after, or null when nothing follows now. */
  next: number | null;
}

export interface MockStore extends WebhookSource {
  /** The account of a token, by the token's SHA-256: the same token keeps its account across restarts. */
  accountId(tokenDigest: string): AccountId;
  /** The token generated at a previous start, when no token was given. */
  developmentToken(): string | undefined;
  saveDevelopmentToken(token: string): void;

  /** The webhook if it belongs to the account: another account's id is as unknown as a missing one. */
  find(accountId: AccountId, id: number): StoredWebhook | undefined;
  /** The account's webhooks, oldest first. */
  list(accountId: AccountId): StoredWebhook[];
  /** Every account's webhooks, for the engine's index at start. */
  allWebhooks(): StoredWebhook[];
  /** Ids come from one counter and are never reused. */
  createWebhook(fields: Omit<StoredWebhook, 'id' | 'createdAt'>): StoredWebhook;
  /** Stores a new version; stored objects are never mutated, so `before` and `after` can be compared. */
  replaceWebhook(webhook: StoredWebhook): void;
  deleteWebhook(id: number): void;
  /** Deletes the account's webhooks, then forgets its deliveries. */
  resetAccount(accountId: AccountId): void;

  createDelivery(delivery: NewDelivery): DeliveryState;
  /** The engine changed `delivery` (an attempt, a due time, its status from `previous`): keep it. */
  deliveryChanged(delivery: DeliveryState, previous?: DeliveryStatus): void;
  /**
   * Keeps the receiver's answer on `record` (an attempt of `delivery`), within the memory budget for
   * responses: past it, the oldest recorded answers are emptied. Kept with the delivery's next change.
   */
  recordResponse(delivery: DeliveryState, record: AttemptRecord, response: ReceivedResponse | null): void;
  delivery(accountId: AccountId, id: string): DeliveryState | undefined;
  /** Every matching delivery of the account, oldest first. */
  deliveries(accountId: AccountId, filter?: DeliveryFilter): DeliveryState[];
  /** At most `limit` matching deliveries created after `after` (a `seq`), oldest first. */
  deliveryPage(accountId: AccountId, filter: DeliveryFilter, limit: number, after?: number): DeliveryPage;
  /** Every account's pending deliveries, for the engine to resume at start. */
  pendingDeliveries(): DeliveryState[];

  /** Calls `listener` on every change from now on; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void;
  /** Resolves once every change made so far is committed; rejects if committing failed. */
  durable(): Promise<void>;
  /** Commits what is left and releases the store; later changes are ignored. */
  close(): void;
}
