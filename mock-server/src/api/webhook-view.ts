import type { Webhook, WebhookWithKey } from '@titan-webhooks/sdk';
import type { StoredWebhook } from '../model.js';

/** The public view, in the contract's field order; never the key. */
export function toPublic(webhook: StoredWebhook): Webhook {
  const { id, url, events, session, label, enabled, headers, retries, createdAt } = webhook;
  return { id, url, events, session, label, enabled, headers, retries, createdAt };
}

/** The create response: the only one that shows `hmacKey`. */
export function toPublicWithKey(webhook: StoredWebhook): WebhookWithKey {
  const { headers, retries, createdAt, ...head } = toPublic(webhook);
  return { ...head, hmacKey: webhook.hmacKey, headers, retries, createdAt };
}
