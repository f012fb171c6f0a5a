import type { Webhook, WebhookWithKey } from '@titan-webhooks/sdk';
import type { AccountId, StoredWebhook, WebhookSource } from '../model.js';

/**
 * The webhooks of every account, in memory. Stored objects are never mutated: an update stores a
 * new object, so the engine can compare `before` and `after`. Ids increase per server, from 1.
 */
export class WebhookStore implements WebhookSource {
  private readonly byId = new Map<number, StoredWebhook>();
  private nextId = 1;

  get(id: number): StoredWebhook | undefined {
    return this.byId.get(id);
  }

  /** The webhook if it belongs to the account: another account's id is as unknown as a missing one. */
  find(accountId: AccountId, id: number): StoredWebhook | undefined {
    const webhook = this.byId.get(id);
    return webhook?.accountId === accountId ? webhook : undefined;
  }

  /** Oldest first (a Map keeps insertion order, and ids only grow). */
  list(accountId: AccountId): StoredWebhook[] {
    return [...this.byId.values()].filter((webhook) => webhook.accountId === accountId);
  }

  create(fields: Omit<StoredWebhook, 'id' | 'createdAt'>): StoredWebhook {
    const webhook: StoredWebhook = { ...fields, id: this.nextId++, createdAt: new Date().toISOString() };
    this.byId.set(webhook.id, webhook);
    return webhook;
  }

  replace(webhook: StoredWebhook): void {
    this.byId.set(webhook.id, webhook);
  }

  delete(id: number): void {
    this.byId.delete(id);
  }
}

/** The public view, in the contract's field order; never the key. */
export function toPublic(webhook: StoredWebhook): Webhook {
  const { id, url, events, session, label, enabled, headers, retries, createdAt } = webhook;
  return { id, url, events, session, label, enabled, headers, retries, createdAt };
}

/** The create response: the only one that shows `hmacKey` (§4). */
export function toPublicWithKey(webhook: StoredWebhook): WebhookWithKey {
  const { headers, retries, createdAt, ...head } = toPublic(webhook);
  return { ...head, hmacKey: webhook.hmacKey, headers, retries, createdAt };
}
