// A receiver that never answers and one that trickles its body both end as timeouts, while a
// healthy webhook keeps receiving in the meantime.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient } from '@titan-webhooks/sdk';

let mock: MockServer;
let receiver: Server;
let base: string;
const open: ServerResponse[] = [];
const timers: NodeJS.Timeout[] = [];
let healthy = 0;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, allowPrivateUrls: true, deliveryTimeout: 1, logLevel: 'silent' });
  receiver = createServer((req, res) => {
    req.resume();
    if (req.url === '/hang') return void open.push(res);
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      open.push(res);
      timers.push(setInterval(() => res.write('.'), 100));
      return;
    }
    healthy += 1;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  timers.forEach(clearInterval);
  await mock?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

test('hanging and trickling receivers time out; the healthy one is not held up', async () => {
  const titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
  const noRetry = { attempts: 0 };
  const hang = await titan.webhooks.create({ url: `${base}/hang`, retries: noRetry });
  const trickle = await titan.webhooks.create({ url: `${base}/trickle`, retries: noRetry });
  const ok = await titan.webhooks.create({ url: `${base}/ok`, retries: noRetry });

  const started = Date.now();
  for (let i = 0; i < 20; i++) await mock.emit('presence.update');
  await mock.waitForDeliveries({ webhookId: ok.id, status: 'succeeded', count: 20 }, 5_000);
  // All 20 healthy deliveries landed before the first timeout (1 s) could have freed anything.
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(healthy).toBe(20);

  for (const hook of [hang, trickle]) {
    const deliveries = await mock.waitForDeliveries({ webhookId: hook.id, status: 'failed', count: 20 }, 15_000);
    for (const delivery of deliveries) {
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]!.error).toMatch(/time/i);
      expect(delivery.attempts[0]!.durationMs).toBeGreaterThanOrEqual(900);
    }
  }
}, 30_000);
