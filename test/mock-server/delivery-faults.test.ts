// Delivery faults of POST /_mock/events, seen by real receivers: duplicates sent concurrently, a
// delayed first attempt, and invalid or missing signatures refused by our own receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { titanWebhooks } from '@titan-webhooks/receiver';
import { signPayload } from '@titan-webhooks/sdk';
import Database from 'better-sqlite3';
import express from 'express';
import { call } from '../helpers/contract.js';
import { STORE_KINDS, tempDataFile } from '../helpers/delivery-engine.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const KEY = 'the-receiver-key-of-this-test';
/** Retries 10 ms apart at the server's time scale of 0.01: a refused delivery fails within a second. */
const FAST_RETRIES = { attempts: 2, delaySeconds: 1, policy: 'constant' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, polling; rejects after `timeoutMs` so a handler never hangs a test. */
async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

interface Receiver {
  url: string;
  /** Distinct deliveries (X-Webhook-Delivery) that reached the app, whatever the answer. */
  arrivals: number;
  /** Handler runs. */
  handled: number;
  /** Most handler runs at the same time. */
  maxConcurrent: number;
  close(): Promise<void>;
}

/**
 * Our Express middleware behind a real server. The handler waits until `expected` distinct deliveries
 * have reached the app, which only happens if they are on the wire together.
 */
async function startReceiver({ dedupe, expected }: { dedupe: boolean; expected: number }): Promise<Receiver> {
  const state = { handled: 0, running: 0, maxConcurrent: 0 };
  const deliveries = new Set<string>();
  const app = express();
  app.use((req, _res, next) => {
    deliveries.add(String(req.headers['x-webhook-delivery']));
    next();
  });
  app.post(
    '/hook',
    titanWebhooks({
      hmacKey: KEY,
      dedupe,
      onEvent: async () => {
        state.handled++;
        state.running++;
        state.maxConcurrent = Math.max(state.maxConcurrent, state.running);
        try {
          await until(() => deliveries.size >= expected);
        } finally {
          state.running--;
        }
      },
    }),
  );
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get arrivals() {
      return deliveries.size;
    },
    get handled() {
      return state.handled;
    },
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    mock = await startMockServerWith(kind, { allowPrivateUrls: true, timeScale: 0.01 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const api = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: mock.token, body });
  const createWebhook = async (url: string, retries: object = FAST_RETRIES) =>
    (await api('POST', '/api/webhooks', { url, hmacKey: KEY, events: ['chat.read'], retries })).body.data as {
      id: number;
    };

  test('duplicates: 5 with dedupe: six concurrent deliveries of one event id, the handler runs once, all succeed', async () => {
    receiver = await startReceiver({ dedupe: true, expected: 6 });
    // The copies that meet the claim in progress get 409 and retry until the first has finished.
    await createWebhook(receiver.url, { attempts: 15, delaySeconds: 1, policy: 'constant' });
    const res = await api('POST', '/_mock/events', { event: 'chat.read', faults: { duplicates: 5 } });
    expect(res.status).toBe(202);
    const { event, deliveries } = res.body.data;
    expect(deliveries).toHaveLength(6);
    expect(new Set(deliveries.map((d: { id: string }) => d.id)).size).toBe(6);

    const settled = await mock.waitForDeliveries({ count: 6 });
    expect(settled.map((d) => d.status)).toEqual(Array(6).fill('succeeded'));
    expect(receiver.handled).toBe(1);
    for (const delivery of settled) {
      expect(delivery.eventId).toBe(event.id);
      expect(delivery.request.headers['x-webhook-id']).toBe(event.id);
      expect(delivery.request.headers['x-webhook-delivery']).toBe(delivery.id);
      expect(delivery.request.body).toBe(settled[0]!.request.body);
    }
    // Five copies arrived while the first was being handled: the receiver said so with 409.
    const refused = settled.filter((d) => d.attempts[0]!.statusCode === 409);
    expect(refused).toHaveLength(5);
  });

  test('duplicates: 5 without dedupe: the handler runs six times, six at once', async () => {
    receiver = await startReceiver({ dedupe: false, expected: 6 });
    await createWebhook(receiver.url);
    await mock.emit('chat.read', undefined, undefined, { faults: { duplicates: 5 } });
    const settled = await mock.waitForDeliveries({ count: 6 });
    expect(settled.map((d) => d.status)).toEqual(Array(6).fill('succeeded'));
    expect(receiver.handled).toBe(6);
    expect(receiver.maxConcurrent).toBe(6);
    expect(settled.every((d) => d.attempts.length === 1)).toBe(true);
  });

  test.each([
    ['invalid', (signature: string | undefined, valid: string) => signature !== undefined && signature !== valid],
    ['missing', (signature: string | undefined) => signature === undefined],
  ] as const)(
    'signature %s: refused by our receiver with 401 on every attempt, then failed',
    async (mode, expectHeader) => {
      receiver = await startReceiver({ dedupe: false, expected: 1 });
      await createWebhook(receiver.url);
      const res = await api('POST', '/_mock/events', { event: 'chat.read', faults: { signature: mode } });
      const [created] = res.body.data.deliveries;
      const [delivery] = await mock.waitForDeliveries({ count: 1 });
      expect(delivery!.id).toBe(created.id);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([401, 401, 401]);
      expect(receiver.handled).toBe(0);
      const signature = delivery!.request.headers['x-webhook-signature'];
      expect(expectHeader(signature, await signPayload(delivery!.request.body, KEY))).toBe(true);
      if (signature !== undefined) expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      // The same answer over the control API, checked against the contract.
      expect((await api('GET', `/_mock/deliveries/${delivery!.id}`)).body.data.status).toBe('failed');
    },
  );

  test('signature valid is the default: our receiver accepts it', async () => {
    receiver = await startReceiver({ dedupe: false, expected: 1 });
    await createWebhook(receiver.url);
    await api('POST', '/_mock/events', { event: 'chat.read', faults: { signature: 'valid', duplicates: 0 } });
    const [delivery] = await mock.waitForDeliveries({ count: 1 });
    expect(delivery!.status).toBe('succeeded');
    expect(receiver.handled).toBe(1);
  });

  test('delaySeconds holds the first attempt, scaled by the time scale; the delivery stays pending meanwhile', async () => {
    receiver = await startReceiver({ dedupe: false, expected: 1 });
    await createWebhook(receiver.url);
    const before = Date.now();
    // 30 s at a time scale of 0.01: 300 ms.
    const emitted = await mock.emit('chat.read', undefined, undefined, { faults: { delaySeconds: 30 } });
    const [id] = emitted.deliveries.map((d) => d.id);
    const waiting = (await api('GET', `/_mock/deliveries/${id}`)).body.data;
    expect(waiting).toMatchObject({ status: 'pending', attempts: [] });
    expect(receiver.arrivals).toBe(0);
    const [delivery] = await mock.waitForDeliveries({ count: 1 });
    expect(delivery!.status).toBe('succeeded');
    expect(Date.parse(delivery!.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(before + 300);
  });

  test.each<[string, unknown, string]>([
    ['too many duplicates', { duplicates: 11 }, '/faults/duplicates'],
    ['a negative delay', { delaySeconds: -1 }, '/faults/delaySeconds'],
    ['a delay over an hour', { delaySeconds: 3601 }, '/faults/delaySeconds'],
    ['an unknown signature mode', { signature: 'wrong' }, '/faults/signature'],
    ['an unknown fault', { drop: true }, '/faults/drop'],
    ['faults that are not an object', 'none', '/faults'],
  ])('%s is a 400 validation_error naming the field', async (_name, faults, path) => {
    const res = await api('POST', '/_mock/events', { event: 'chat.read', faults });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path })] });
  });
});

test('a delayed first attempt and the signature mode survive a restart on the same data file', async () => {
  const data = tempDataFile();
  const receiver = await startReceiver({ dedupe: false, expected: 1 });
  const options = { port: 0, dataFile: data.file, allowPrivateUrls: true, timeScale: 0.001 };
  let mock = await startMockServer(options);
  try {
    await call(mock.url, 'POST', '/api/webhooks', {
      token: mock.token,
      body: { url: receiver.url, hmacKey: KEY, retries: { attempts: 0 } },
    });
    const before = Date.now();
    // 1000 s at a time scale of 0.001: one second, most of it spent across the restart.
    await mock.emit('chat.read', undefined, undefined, { faults: { delaySeconds: 1000, signature: 'missing' } });
    await mock.close();
    mock = await startMockServer(options);
    const [waiting] = await mock.deliveries();
    expect(waiting).toMatchObject({ status: 'pending', attempts: [] });
    const [delivery] = await mock.waitForDeliveries({ count: 1 }, 5000);
    expect(Date.parse(delivery!.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(before + 1000);
    expect(delivery!.request.headers['x-webhook-signature']).toBeUndefined();
    expect(delivery!.attempts[0]!.statusCode).toBe(401);
  } finally {
    await mock.close();
    await receiver.close();
    data.remove();
  }
});

test('a data file of schema 1 is upgraded: its first attempts run at once, signed with the key', async () => {
  const data = tempDataFile();
  const receiver = await startReceiver({ dedupe: false, expected: 1 });
  const options = { port: 0, dataFile: data.file, allowPrivateUrls: true, timeScale: 0.001 };
  let mock = await startMockServer(options);
  try {
    await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, body: { url: receiver.url, hmacKey: KEY } });
    // Kept pending across the close by a long delay, then the file is turned back into schema 1.
    await mock.emit('chat.read', undefined, undefined, { faults: { delaySeconds: 3600 } });
    await mock.close();
    const file = new Database(data.file);
    file.exec(`ALTER TABLE deliveries DROP COLUMN signature_mode;
      ALTER TABLE deliveries DROP COLUMN waits_for;
      UPDATE deliveries SET due = 0;
      PRAGMA user_version = 1;`);
    file.close();

    mock = await startMockServer(options);
    const [delivery] = await mock.waitForDeliveries({ count: 1 });
    expect(delivery!.status).toBe('succeeded');
    expect(delivery!.request.headers['x-webhook-signature']).toBe(await signPayload(delivery!.request.body, KEY));
    expect(receiver.handled).toBe(1);
  } finally {
    await mock.close();
    await receiver.close();
    data.remove();
  }
});
