// A receiving app's own test suite, written with nothing but the mock server, the SDK and the
// receiver: events out of order, duplicates, Titan's API failing, and what the app sent to Titan.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { type TitanEvent, titanWebhooks } from '@titan-webhooks/receiver';
import { createTitanClient, TitanApiError } from '@titan-webhooks/sdk';
import express from 'express';

const KEY = 'receiving-app-key-0123';

let mock: MockServer;
let app: Server;
let appUrl: string;
/** What the app's handler saw, in order. */
const handled: TitanEvent[] = [];

beforeAll(async () => {
  mock = await startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.01, logLevel: 'silent' });
  const server = express();
  server.post('/titan', titanWebhooks({ hmacKey: KEY, dedupe: true, onEvent: (event) => void handled.push(event) }));
  app = server.listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/titan`;
});

afterAll(async () => {
  await mock?.close();
  await new Promise((resolve) => app?.close(resolve));
});

beforeEach(async () => {
  await mock.reset();
  handled.length = 0;
});

/** The app's registration code under test: one webhook for everything, signed with KEY. */
async function register(titan = createTitanClient({ baseUrl: mock.url, token: mock.token })) {
  return titan.webhooks.create({ url: appUrl, hmacKey: KEY, label: 'receiving-app' });
}

test('message.outbound in reverse order: the read receipt arrives before the send', async () => {
  await register();
  const { deliveries } = await mock.trigger('message.outbound', { order: 'reverse' });
  await mock.waitForDeliveries({ count: deliveries.length });

  expect(handled.map((e) => (e.event === 'message.ack' ? `ack:${e.payload.status}` : e.event))).toEqual([
    'ack:read',
    'ack:delivered',
    'ack:sent',
    'message.sent',
  ]);
  // One message: the receipt names the message the send created.
  const [read, , , sent] = handled;
  expect(read).toMatchObject({ payload: { messageId: sent?.event === 'message.sent' && sent.payload.id } });
});

test('duplicates: 3 sends the event four times at once, and the handler runs once', async () => {
  await register();
  const { event, deliveries } = await mock.emit('message.received', undefined, undefined, {
    faults: { duplicates: 3 },
  });
  expect(deliveries).toHaveLength(4);
  const settled = await mock.waitForDeliveries({ count: 4 });
  expect(settled.every((d) => d.status === 'succeeded' && d.eventId === event.id)).toBe(true);
  expect(handled.map((e) => e.id)).toEqual([event.id]);
});

test("Titan's 503 with Retry-After: the SDK waits and retries a list, and surfaces it on a create", async () => {
  const titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
  await mock.faults.create({ method: 'GET', path: '/api/webhooks', status: 503, retryAfterSeconds: 1, count: 1 });
  expect(await titan.webhooks.list()).toEqual([]);
  // It waited for the Retry-After before its second request.
  const lists = await mock.requests({ method: 'GET', path: '/api/webhooks' });
  expect(lists.map((r) => r.status)).toEqual([503, 200]);
  expect(Date.parse(lists[1]!.receivedAt) - Date.parse(lists[0]!.receivedAt)).toBeGreaterThanOrEqual(1000);

  // A create is not retried (it might have been applied): the app sees the 503.
  await mock.faults.create({ method: 'POST', path: '/api/webhooks', status: 503, retryAfterSeconds: 1, count: 1 });
  const refused = await register(titan).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(TitanApiError);
  expect((refused as TitanApiError).status).toBe(503);
  expect((refused as TitanApiError).code).toBe('injected_fault');
});

test('the journal shows the exact webhook the app created, its key redacted', async () => {
  const created = await register();
  const [create] = await mock.requests({ method: 'POST', path: '/api/webhooks' });
  expect(create).toMatchObject({ status: 201, body: { url: appUrl, hmacKey: '[redacted]', label: 'receiving-app' } });
  expect(await mock.requests()).toHaveLength(1);
  expect(created.url).toBe(appUrl);
});
