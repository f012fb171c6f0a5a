import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, type EventName, type TitanEvent } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFilter } from '@titan-webhooks/sdk/mock';
import pino from 'pino';
import { newWebhookFields } from '../../mock-server/src/api/webhook-rules.js';
import { createDeliveryEngine } from '../../mock-server/src/delivery/index.js';
import { toDelivery } from '../../mock-server/src/delivery/records.js';
import type { DeliveryEngine, DeliveryEngineOptions, StoredWebhook } from '../../mock-server/src/model.js';
import { type MockStore, openStore } from '../../mock-server/src/store/index.js';

export type StoreKind = 'memory' | 'sqlite';
/** Both stores, for `describe.each`: every engine suite runs over each. */
export const STORE_KINDS: StoreKind[] = ['memory', 'sqlite'];

const silent = pino({ level: 'silent' });

/** A fresh temporary data file; `remove` deletes its folder. */
export function tempDataFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'titan-mock-store-'));
  return { file: join(dir, 'mock.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Webhooks and deliveries through a real store, as the API layer changes them. */
export class TestWebhooks {
  constructor(readonly store: MockStore) {}

  add(fields: Partial<StoredWebhook> & { url: string }): StoredWebhook {
    // The API's own defaults (events: [] is every event), then the test's fields.
    const { id: _id, createdAt: _createdAt, ...rest } = fields;
    return this.store.createWebhook({
      ...newWebhookFields(fields.accountId ?? 'acct_1', { url: fields.url }),
      ...rest,
    });
  }

  /** Replaces fields as PUT does: a new object, never the old one mutated. */
  update(id: number, fields: Partial<StoredWebhook>): StoredWebhook {
    const after = { ...this.store.get(id)!, ...fields };
    this.store.replaceWebhook(after);
    return after;
  }

  remove(id: number): void {
    this.store.deleteWebhook(id);
  }

  deliveries(accountId: string, filter?: DeliveryFilter): Delivery[] {
    return this.store.deliveries(accountId, filter).map(toDelivery);
  }

  delivery(accountId: string, id: string): Delivery | undefined {
    const state = this.store.delivery(accountId, id);
    return state === undefined ? undefined : toDelivery(state);
  }
}

export interface TestEngine {
  engine: DeliveryEngine;
  webhooks: TestWebhooks;
  /** Closes the engine, then the store, and removes its file. */
  close(graceMs?: number): Promise<void>;
}

/** An engine over a fresh store of `kind`, private URLs allowed (receivers are on 127.0.0.1). */
export function createTestEngine(
  kind: StoreKind = 'memory',
  overrides: Partial<Omit<DeliveryEngineOptions, 'store'>> = {},
): TestEngine {
  const data = kind === 'sqlite' ? tempDataFile() : undefined;
  const store = openStore({ dataFile: data?.file, retainDeliveries: 10_000, logger: silent });
  const engine = createDeliveryEngine({
    store,
    timeScale: 0.01,
    deliveryTimeoutMs: 2_000,
    allowPrivateUrls: true,
    logger: silent,
    ...overrides,
  });
  return {
    engine,
    webhooks: new TestWebhooks(store),
    async close(graceMs = 1_000) {
      await engine.close(graceMs);
      store.close();
      data?.remove();
    },
  };
}

/** An envelope with the event's example payload. */
export function testEvent(event: EventName = 'message.received', session = 'default'): TitanEvent {
  // A name known only at run time gives the non-distributed TitanEventOf<EventName>: same JSON.
  return createEvent(event, undefined, { session }) as TitanEvent;
}

/** Gaps in ms between consecutive attempts' start times. */
export function attemptGaps(attempts: { startedAt: string }[]): number[] {
  const times = attempts.map((a) => Date.parse(a.startedAt));
  return times.slice(1).map((t, i) => t - times[i]!);
}
