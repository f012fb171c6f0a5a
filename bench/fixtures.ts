import pino from 'pino';
import type { StoredWebhook } from '../mock-server/src/model.js';

export const silentLogger = pino({ level: 'silent' });

let nextId = 1;

/** A stored webhook as the API layer would keep it. */
export function storedWebhook(fields: Partial<StoredWebhook> & Pick<StoredWebhook, 'url'>): StoredWebhook {
  return {
    id: nextId++,
    accountId: 'bench',
    events: [],
    session: null,
    label: null,
    enabled: true,
    hmacKey: 'bench-signing-key-0123456789',
    headers: [],
    retries: { attempts: 3, delaySeconds: 5, policy: 'exponential' },
    createdAt: new Date().toISOString(),
    ...fields,
  };
}
