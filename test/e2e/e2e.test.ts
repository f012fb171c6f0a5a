// The three packages together over real HTTP: the SDK manages webhooks on the mock server, the
// control API emits events, and an Express app with the receiver middleware verifies and dispatches.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { type TitanEvent, titanWebhooks } from '@titan-webhooks/receiver';
import { createTitanClient, EVENT_NAMES, type EventName, signPayload, type TitanClient } from '@titan-webhooks/sdk';
import express from 'express';

const KEY_A = 'e2e-key-a-0123456789';
const KEY_B = 'e2e-key-b-0123456789';

let mock: MockServer;
let titan: TitanClient;
let app: Server;
let receiverUrl: string;
const received = new Map<string, TitanEvent[]>();
const flakyFailures = new Map<string, number>();
const rotationAttempts: { attempt: string; signature: string }[] = [];
let rotateTo: (() => Promise<void>) | undefined;

function record(route: string, event: TitanEvent): void {
  received.set(route, [...(received.get(route) ?? []), event]);
}

beforeAll(async () => {
  mock = await startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.01, logLevel: 'silent' });
  titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
  const on = Object.fromEntries(
    EVENT_NAMES.map((name) => [name, (event: TitanEvent) => record(`typed:${event.event}`, event)]),
  ) as Parameters<typeof titanWebhooks>[0]['on'];
  const server = express();
  server.post('/all', titanWebhooks({ hmacKey: KEY_A, on, onEvent: (event) => record('all', event) }));
  server.post(
    '/flaky',
    titanWebhooks({
      hmacKey: KEY_A,
      onEvent: (event) => {
        const failures = flakyFailures.get(event.id) ?? 0;
        flakyFailures.set(event.id, failures + 1);
        if (failures < 2) throw new Error('temporarily down');
        record('flaky', event);
      },
    }),
  );
  server.post(
    '/rotating',
    (req, _res, next) => {
      rotationAttempts.push({
        attempt: String(req.headers['x-webhook-attempt']),
        signature: String(req.headers['x-webhook-signature']),
      });
      next();
    },
    titanWebhooks({
      hmacKey: [KEY_A, KEY_B],
      onEvent: async (event) => {
        if (rotateTo) {
          const rotate = rotateTo;
          rotateTo = undefined;
          await rotate();
          throw new Error('fail once, after the key was rotated');
        }
        record('rotating', event);
      },
    }),
  );
  server.post('/disabled', titanWebhooks({ hmacKey: KEY_A, onEvent: (event) => record('disabled', event) }));
  app = server.listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  receiverUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await mock?.close();
  await new Promise((resolve) => app?.close(resolve));
});

beforeEach(async () => {
  await mock.reset();
  received.clear();
});

test('all 31 events are emitted, signed, verified and dispatched to a handler of the right type', async () => {
  const hook = await titan.webhooks.create({ url: `${receiverUrl}/all`, hmacKey: KEY_A });
  const emitted = new Map<EventName, string>();
  for (const name of EVENT_NAMES) emitted.set(name, (await mock.emit(name)).event.id);
  const deliveries = await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded', count: 31 }, 15_000);
  expect(deliveries).toHaveLength(31);
  for (const [name, id] of emitted) {
    expect(received.get(`typed:${name}`)?.map((e) => e.id)).toEqual([id]);
  }
  expect(received.get('all')).toHaveLength(31);
  expect(deliveries.every((d) => d.attempts.length === 1 && d.attempts[0]!.statusCode === 200)).toBe(true);
});

test('a receiver that fails twice gets the delivery on attempt 3 with the same event id', async () => {
  const hook = await titan.webhooks.create({
    url: `${receiverUrl}/flaky`,
    hmacKey: KEY_A,
    events: ['message.received'],
    retries: { attempts: 3, delaySeconds: 1, policy: 'constant' },
  });
  const { event } = await mock.emit('message.received');
  const [delivery] = await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded' }, 15_000);
  expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
  expect(delivery!.request.headers['x-webhook-attempt']).toBe('3');
  expect(delivery!.request.headers['x-webhook-id']).toBe(event.id);
  expect(flakyFailures.get(event.id)).toBe(3);
  expect(received.get('flaky')?.map((e) => e.id)).toEqual([event.id]);
});

test('a key rotated with the SDK between two attempts is accepted by a receiver holding both keys', async () => {
  const hook = await titan.webhooks.create({
    url: `${receiverUrl}/rotating`,
    hmacKey: KEY_A,
    events: ['session.status'],
    retries: { attempts: 2, delaySeconds: 1, policy: 'constant' },
  });
  rotationAttempts.length = 0;
  rotateTo = async () => {
    await titan.webhooks.update(hook.id, { hmacKey: KEY_B });
  };
  const { event } = await mock.emit('session.status');
  const [delivery] = await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded' }, 15_000);
  expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
  expect(rotationAttempts.map((a) => a.attempt)).toEqual(['1', '2']);
  expect(rotationAttempts[0]!.signature).toBe(await signPayload(delivery!.request.body, KEY_A));
  expect(rotationAttempts[1]!.signature).toBe(await signPayload(delivery!.request.body, KEY_B));
  expect(received.get('rotating')?.map((e) => e.id)).toEqual([event.id]);
});

test('a webhook disabled with the SDK stops receiving', async () => {
  const hook = await titan.webhooks.create({
    url: `${receiverUrl}/disabled`,
    hmacKey: KEY_A,
    events: ['call.received'],
  });
  await mock.emit('call.received');
  await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded' }, 15_000);
  await titan.webhooks.update(hook.id, { enabled: false });
  const { deliveries } = await mock.emit('call.received');
  expect(deliveries).toEqual([]);
  // A third event after re-enabling arrives, which proves the quiet period was the disable and not a broken route.
  await titan.webhooks.update(hook.id, { enabled: true });
  await mock.emit('call.received');
  await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded', count: 2 }, 15_000);
  expect(received.get('disabled')).toHaveLength(2);
});
