// Memory per pending retry: 100,000 deliveries whose first attempt failed (connection refused),
// each waiting an hour for its retry.
import { createEvent } from '@titan-webhooks/sdk';
import { createDeliveryEngine } from '../mock-server/src/delivery/index.js';
import type { StoredWebhook } from '../mock-server/src/model.js';
import { silentLogger, storedWebhook } from './fixtures.js';
import { figure, type Bench } from './lib.js';

const PENDING = 100_000;

function settledRss(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().rss;
}

export const retryMemoryBench: Bench = {
  name: 'pending retry memory',
  async run() {
    if (!global.gc) throw new Error('run with --expose-gc (npm run bench does)');
    const webhooks = new Map<number, StoredWebhook>();
    const engine = createDeliveryEngine({ webhooks, timeScale: 1, deliveryTimeoutMs: 10_000, allowPrivateUrls: true, logger: silentLogger });
    // Port 9 on loopback refuses at once: every first attempt fails fast and schedules a retry.
    const hooks = Array.from({ length: 100 }, () => storedWebhook({ url: 'http://127.0.0.1:9/refused', retries: { attempts: 1, delaySeconds: 3600, policy: 'constant' } }));
    for (const hook of hooks) {
      webhooks.set(hook.id, hook);
      engine.webhookChanged(undefined, hook);
    }
    const before = settledRss();
    for (let i = 0; i < PENDING / hooks.length; i++) {
      engine.emit('bench', createEvent('message.received'));
      if (i % 50 === 49) await engine.waitFor('bench', { count: (i + 1) * hooks.length, settled: false }, 60_000);
    }
    await waitForFirstAttempts(engine);
    const after = settledRss();
    const perRetry = (after - before) / PENDING;
    await engine.close(1_000);
    return [
      figure({ name: 'RSS per pending retry, 100,000 queued', value: perRetry, unit: 'bytes', baseline: 'RSS before queueing (MiB)', baselineValue: before / 2 ** 20, ratio: perRetry / 2048, target: '< 2 KB each (ratio to 2048 B < 1)', atMost: 0.9999 }),
    ];
  },
};

async function waitForFirstAttempts(engine: ReturnType<typeof createDeliveryEngine>): Promise<void> {
  for (;;) {
    const pending = engine.list('bench', { status: 'pending' });
    if (pending.length === PENDING && pending.every((d) => d.attempts.length === 1 && d.attempts[0]!.nextRetryAt !== null)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
