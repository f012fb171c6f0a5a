import pino from 'pino';
import { newWebhookFields } from '../mock-server/src/api/webhook-rules.js';
import { createDeliveryEngine } from '../mock-server/src/delivery/index.js';
import type { DeliveryEngine, StoredWebhook } from '../mock-server/src/model.js';
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

/** The delivery engine as the server runs it over `store`, at scale 1, allowed to reach loopback receivers. */
export function benchEngine(store: MockStore): DeliveryEngine {
  return createDeliveryEngine({
    store,
    timeScale: 1,
    deliveryTimeoutMs: 10_000,
    allowPrivateUrls: true,
    logger: silentLogger,
  });
}
