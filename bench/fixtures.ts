import pino from 'pino';
import { newWebhookFields } from '../mock-server/src/api/webhook-rules.js';
import type { StoredWebhook } from '../mock-server/src/model.js';
import { type MockStore, openStore } from '../mock-server/src/store/index.js';

export const silentLogger = pino({ level: 'silent' });

/** A store as the server opens it: in memory, or in `dataFile`; the server's default retention unless given. */
export function benchStore(dataFile?: string, retainDeliveries = 10_000): MockStore {
  return openStore({ dataFile, retainDeliveries, logger: silentLogger });
}

/** A webhook created in `store` as the API layer would, with the API's own defaults. */
export function addWebhook(
  store: MockStore,
  fields: Partial<Omit<StoredWebhook, 'id' | 'createdAt'>> & Pick<StoredWebhook, 'url'>,
): StoredWebhook {
  return store.createWebhook({
    ...newWebhookFields('bench', { url: fields.url, hmacKey: 'bench-signing-key-0123456789' }),
    ...fields,
  });
}
