// 5,000 events fanned out to 5 webhooks while the receiver fails 10% of requests at random:
// nothing is lost, nothing succeeds twice, and every delivery has the attempts it was owed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient } from '@titan-webhooks/sdk';

const EVENTS = 5_000;
const WEBHOOKS = 5;
const RETRIES = 3;

let mock: MockServer;
let receiver: Server;
let receiverUrl: string;
// "<eventId> <path>" -> statuses answered, in order
const seen = new Map<string, number[]>();

beforeAll(async () => {
  mock = await startMockServer({
    port: 0,
    allowPrivateUrls: true,
    timeScale: 0.001,
    logLevel: 'silent',
    // Every delivery is checked at the end: keep them all.
    retainDeliveries: EVENTS * WEBHOOKS,
  });
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = `${req.headers['x-webhook-id']} ${req.url}`;
      const status = Math.random() < 0.1 ? 500 : 200;
      seen.set(key, [...(seen.get(key) ?? []), status]);
      res.writeHead(status, { 'content-length': '0' }).end();
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await mock?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

test(`${EVENTS} events x ${WEBHOOKS} webhooks with 10% random failures: none lost, none doubled`, async () => {
  const titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
  const hooks = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    hooks.push(
      await titan.webhooks.create({
        url: `${receiverUrl}/w${i}`,
        hmacKey: 'load-key-0123456789',
        events: ['message.received'],
        retries: { attempts: RETRIES, delaySeconds: 1, policy: 'constant' },
      }),
    );
  }
  const pathOf = new Map(hooks.map((h, i) => [h.id, `/w${i}`]));

  // Problems are collected and asserted once: 100,000 expect() calls would dominate the run.
  const problems: string[] = [];
  let next = 0;
  const emitters = Array.from({ length: 32 }, async () => {
    while (next < EVENTS) {
      next += 1;
      const { event, deliveries } = await mock.emit('message.received');
      if (deliveries.length !== WEBHOOKS) problems.push(`${event.id}: ${deliveries.length} deliveries`);
    }
  });
  await Promise.all(emitters);

  const deliveries = await mock.waitForDeliveries({ count: EVENTS * WEBHOOKS }, 240_000);
  expect(deliveries).toHaveLength(EVENTS * WEBHOOKS);
  expect(new Set(deliveries.map((d) => d.id)).size).toBe(EVENTS * WEBHOOKS);

  let failed = 0;
  for (const delivery of deliveries) {
    const statuses = delivery.attempts.map((a) => a.statusCode).join(',');
    // The receiver saw exactly the attempts the mock recorded, in order.
    const answered = (seen.get(`${delivery.eventId} ${pathOf.get(delivery.webhookId)}`) ?? []).join(',');
    if (answered !== statuses) problems.push(`${delivery.id}: receiver saw [${answered}], mock recorded [${statuses}]`);
    // Retried after each 500, done at the first 200, or failed after every owed attempt.
    const owed = delivery.status === 'succeeded' ? /^(500,)*200$/ : new RegExp(`^500(,500){${RETRIES}}$`);
    if (!['succeeded', 'failed'].includes(delivery.status) || !owed.test(statuses)) {
      problems.push(`${delivery.id}: ${delivery.status} after [${statuses}]`);
    }
    if (delivery.status === 'failed') failed += 1;
  }
  expect(problems).toEqual([]);
  // The receiver saw no (event, webhook) the mock did not record, and none succeeded twice.
  expect(seen.size).toBe(EVENTS * WEBHOOKS);
  expect([...seen.values()].filter((s) => s.filter((x) => x === 200).length > 1)).toEqual([]);
  // 0.1^4 of 100,000: about 10 deliveries fail all four tries.
  expect(failed).toBeLessThan(EVENTS * WEBHOOKS * 0.001);
}, 300_000);
