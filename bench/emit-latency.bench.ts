// Emit cost must follow the matching webhooks, not all webhooks: the engine is measured directly,
// with a receiver that answers at once so that deliveries do not pile up.
import { createServer } from 'node:http';
import { createEvent } from '@titan-webhooks/sdk';
import { addWebhook, benchEngine, benchStore } from './fixtures.js';
import { close, listen } from './http-load.js';
import { type Bench, figure, percentile } from './lib.js';

const EMITS = 300;

async function emitLatencies(total: number, matching: number, url: string): Promise<number[]> {
  // Every delivery kept, so that waitFor can count them all.
  const store = benchStore(undefined, EMITS * matching);
  const engine = benchEngine(store);
  for (let i = 0; i < total; i++) {
    addWebhook(store, { url, events: [i < matching ? 'message.received' : 'session.status'] });
  }
  const latencies: number[] = [];
  for (let i = 0; i < EMITS; i++) {
    const event = createEvent('message.received');
    const start = performance.now();
    const deliveries = engine.emit('bench', event);
    latencies.push(performance.now() - start);
    if (deliveries.length !== matching) throw new Error(`expected ${matching} deliveries, got ${deliveries.length}`);
    if (i % 20 === 19) await engine.waitFor('bench', { count: (i + 1) * matching }, 30_000);
  }
  await engine.close(5_000);
  store.close();
  return latencies.slice(50);
}

export const emitLatencyBench: Bench = {
  name: 'emit latency',
  async run() {
    const receiver = createServer((req, res) => {
      req.resume();
      res.writeHead(204).end();
    });
    const url = `${await listen(receiver)}/hook`;
    const small = percentile(await emitLatencies(100, 100, url), 50);
    const large = percentile(await emitLatencies(100_000, 100, url), 50);
    await close(receiver);
    return [
      figure({
        name: 'emit p50 latency, 100,000 webhooks of which 100 match',
        value: large,
        unit: 'ms',
        baseline: '100 webhooks in all',
        baselineValue: small,
        target: '<= 2',
        atMost: 2,
      }),
    ];
  },
};
