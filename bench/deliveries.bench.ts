// Delivery throughput of the mock server to a bare node:http receiver, against a bare undici loop
// that posts the same signed bodies to the same receiver at the same concurrency.
import { createServer } from 'node:http';
import { createEvent, signPayload } from '@titan-webhooks/sdk';
import { deliveryHeaders, newDeliveryId } from '@titan-webhooks/sdk/internal';
import { Agent, request } from 'undici';
import { addWebhook, benchEngine, benchStore } from './fixtures.js';
import { close, listen } from './http-load.js';
import { type Bench, figure, interleaved } from './lib.js';

const EVENTS = 5_000;
const WEBHOOKS = 4;
/** The engine's per-webhook limit of attempts on the wire (see mock-server/src/delivery). */
const PER_WEBHOOK_CONCURRENCY = 8;

export const deliveriesBench: Bench = {
  name: 'mock server deliveries',
  async run() {
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
    });
    const url = `${await listen(receiver)}/hook`;
    const events = Array.from({ length: EVENTS }, () => createEvent('message.received'));

    const engineRun = async () => {
      // Every delivery kept, so that waitFor can count them all.
      const store = benchStore(undefined, EVENTS * WEBHOOKS);
      const engine = benchEngine(store);
      for (let i = 0; i < WEBHOOKS; i++) addWebhook(store, { url });
      const start = performance.now();
      for (const event of events) engine.emit('bench', event);
      await engine.waitFor('bench', { count: EVENTS * WEBHOOKS, status: 'succeeded' }, 120_000);
      const perSecond = (EVENTS * WEBHOOKS * 1000) / (performance.now() - start);
      await engine.close(5_000);
      store.close();
      return perSecond;
    };

    const bareRun = async () => {
      const agent = new Agent({ connections: WEBHOOKS * PER_WEBHOOK_CONCURRENCY });
      const jobs = events.flatMap((event) => Array.from({ length: WEBHOOKS }, () => event));
      const start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: WEBHOOKS * PER_WEBHOOK_CONCURRENCY }, async () => {
          while (next < jobs.length) {
            const event = jobs[next++]!;
            const body = JSON.stringify(event);
            const headers = deliveryHeaders({
              event: event.event,
              eventId: event.id,
              deliveryId: newDeliveryId(),
              attempt: 1,
              contentLength: Buffer.byteLength(body),
              signature: await signPayload(body, 'bench-signing-key-0123456789'),
            });
            const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
            await response.body.dump();
            if (response.statusCode !== 200) throw new Error(`bare loop got ${response.statusCode}`);
          }
        }),
      );
      const perSecond = (jobs.length * 1000) / (performance.now() - start);
      await agent.close();
      return perSecond;
    };

    // Rounds vary by a fifth on a shared machine: five counted, after one that warms both up.
    const [ours, bare] = await interleaved([engineRun, bareRun], 5, 1);
    await close(receiver);
    return [
      figure({
        name: 'mock server deliveries/s to a bare node:http receiver',
        value: ours,
        unit: 'deliveries/s',
        baseline: `bare undici loop, same signed bodies, concurrency ${WEBHOOKS * PER_WEBHOOK_CONCURRENCY}`,
        baselineValue: bare,
        target: '>= 0.8',
        atLeast: 0.8,
      }),
    ];
  },
};
