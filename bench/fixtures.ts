import pino from 'pino';
import { newWebhookFields } from '../mock-server/src/api/webhook-rules.js';
import type { StoredWebhook } from '../mock-server/src/model.js';

export const silentLogger = pino({ level: 'silent' });

let nextId = 1;

/** A stored webhook as the API layer would keep it, with the API's own defaults. */
export function storedWebhook(fields: Partial<StoredWebhook> & Pick<StoredWebhook, 'url'>): StoredWebhook {
  return {
    id: nextId++,
    createdAt: new Date().toISOString(),
    ...newWebhookFields('bench', { url: fields.url, hmacKey: 'bench-signing-key-0123456789' }),
    ...fields,
  };
}
