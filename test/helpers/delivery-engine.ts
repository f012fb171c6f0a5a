import { createEvent, type EventName, type TitanEvent } from '@titan-webhooks/sdk';
import pino from 'pino';
import { newWebhookFields } from '../../mock-server/src/api/webhook-rules.js';
import { createDeliveryEngine } from '../../mock-server/src/delivery/index.js';
import type {
  DeliveryEngine,
  DeliveryEngineOptions,
  StoredWebhook,
  WebhookSource,
} from '../../mock-server/src/model.js';

/** An in-memory webhook store that keeps the engine's index in step, as the API layer does. */
export class TestWebhooks implements WebhookSource {
  readonly byId = new Map<number, StoredWebhook>();
  /** Every id the engine asked for, to prove which webhooks an emit touched. */
  readonly lookups: number[] = [];
  engine!: DeliveryEngine;
  private nextId = 1;

  get(id: number): StoredWebhook | undefined {
    this.lookups.push(id);
    return this.byId.get(id);
  }

  add(fields: Partial<StoredWebhook> & { url: string }): StoredWebhook {
    // The API's own defaults (events: [] is every event), then the test's fields.
    const webhook: StoredWebhook = {
      id: this.nextId++,
      createdAt: new Date().toISOString(),
      ...newWebhookFields(fields.accountId ?? 'acct_1', { url: fields.url }),
      ...fields,
    };
    this.byId.set(webhook.id, webhook);
    this.engine.webhookChanged(undefined, webhook);
    return webhook;
  }

  /** Replaces fields as PUT does: a new object, never the old one mutated. */
  update(id: number, fields: Partial<StoredWebhook>): StoredWebhook {
    const before = this.byId.get(id)!;
    const after = { ...before, ...fields };
    this.byId.set(id, after);
    this.engine.webhookChanged(before, after);
    return after;
  }

  remove(id: number): void {
    const before = this.byId.get(id)!;
    this.byId.delete(id);
    this.engine.webhookChanged(before, undefined);
  }
}

/** An engine over a fresh TestWebhooks, private URLs allowed (receivers are on 127.0.0.1). */
export function createTestEngine(overrides: Partial<DeliveryEngineOptions> = {}): {
  engine: DeliveryEngine;
  webhooks: TestWebhooks;
} {
  const webhooks = new TestWebhooks();
  webhooks.engine = createDeliveryEngine({
    webhooks,
    timeScale: 0.01,
    deliveryTimeoutMs: 2_000,
    allowPrivateUrls: true,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return { engine: webhooks.engine, webhooks };
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
