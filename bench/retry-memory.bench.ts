// Memory per pending retry: 100,000 deliveries whose first attempt failed (connection refused),
// each waiting an hour for its retry.
import { createEvent } from '@titan-webhooks/sdk';
import { toDelivery } from '../mock-server/src/delivery/records.js';
import type { MockStore } from '../mock-server/src/store/index.js';
import { addWebhook, benchEngine, benchStore } from './fixtures.js';
import { type Bench, figure } from './lib.js';

const PENDING = 100_000;

/** RSS at rest: full collections with pauses between, so V8's memory reducer can return freed pages. */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 5; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return process.memoryUsage();
}

export const retryMemoryBench: Bench = {
  name: 'pending retry memory',
  async run() {
    if (!global.gc) throw new Error('run with --expose-gc (npm run bench does)');
    const store = benchStore();
    const engine = benchEngine(store);
    // Port 9 on loopback refuses at once: every first attempt fails fast and schedules a retry.
    const hooks = Array.from({ length: 100 }, () =>
      addWebhook(store, {
        url: 'http://127.0.0.1:9/refused',
        retries: { attempts: 1, delaySeconds: 3600, policy: 'constant' },
      }),
    );
    const before = await settledMemory();
    let last: { id: string }[] = [];
    for (let i = 0; i < PENDING / hooks.length; i++) {
      last = engine.emit('bench', createEvent('message.received'));
      // Let the first attempts run as they would between emits of a real app.
      if (i % 50 === 49) await waitForFirstAttempts(store, last);
    }
    await waitForFirstAttempts(store, last);
    const pending = store.deliveries('bench', { status: 'pending' }).map(toDelivery);
    if (
      pending.length !== PENDING ||
      !pending.every((d) => d.attempts.length === 1 && d.attempts[0]!.nextRetryAt !== null)
    ) {
      throw new Error('not every delivery is waiting for its retry');
    }
    pending.length = 0;
    const after = await settledMemory();
    const perRetry = (after.rss - before.rss) / PENDING;
    const heapPerRetry = (after.heapUsed - before.heapUsed) / PENDING;
    await engine.close(1_000);
    store.close();
    return [
      figure({
        name: 'RSS per pending retry, 100,000 queued',
        value: perRetry,
        unit: 'bytes',
        baseline: 'RSS before queueing (MiB)',
        baselineValue: before.rss / 2 ** 20,
        ratio: perRetry / 2048,
        target: '< 2 KB each (ratio to 2048 B < 1)',
        atMost: 0.9999,
        notes: `V8 heap in use: ${Math.round(heapPerRetry)} B per retry; measured at rest, after collections`,
      }),
    ];
  },
};

/** Attempts to one webhook run in order, so the latest delivery of each has its retry scheduled last. */
async function waitForFirstAttempts(store: MockStore, latest: { id: string }[]): Promise<void> {
  for (;;) {
    const scheduled = latest.every(({ id }) => store.delivery('bench', id)?.attempts[0]?.nextRetryAt);
    if (scheduled) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
