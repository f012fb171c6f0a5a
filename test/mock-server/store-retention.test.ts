// Retention: past --retain-deliveries per account the first settled deliveries are forgotten, pending
// ones never; memory stays flat however many deliveries pass through.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MockServer } from '@titan-webhooks/mock-server';
import { createEvent } from '@titan-webhooks/sdk';
import Database from 'better-sqlite3';
import pino from 'pino';
import { newWebhookFields } from '../../mock-server/src/api/webhook-rules.js';
import { AttemptRecord } from '../../mock-server/src/delivery/records.js';
import { type MockStore, openStore } from '../../mock-server/src/store/index.js';
import { call } from '../helpers/contract.js';
import { STORE_KINDS, tempDataFile } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let receiver: TestServer;
  let mock: MockServer;
  beforeEach(async () => {
    receiver = await startTestServer((req, res) => res.writeHead(req.url === '/down' ? 500 : 200).end());
    mock = await startMockServerWith(kind, { allowPrivateUrls: true, timeScale: 0.01, retainDeliveries: 5 });
  });
  afterEach(async () => {
    await mock.close();
    await receiver.close();
  });

  test('the first settled deliveries are forgotten past the limit; pending ones stay', async () => {
    const create = async (body: unknown) =>
      (await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, body })).body.data as { id: number };
    const up = await create({ url: `${receiver.url}/up`, events: ['chat.read'] });
    // Its retries wait an hour (36 s scaled): its deliveries stay pending.
    const down = await create({
      url: `${receiver.url}/down`,
      events: ['chat.mute'],
      retries: { attempts: 1, delaySeconds: 3600, policy: 'constant' },
    });
    const pending: string[] = [];
    for (let i = 0; i < 3; i++) pending.push((await mock.emit('chat.mute')).deliveries[0]!.id);
    const settled: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { id } = (await mock.emit('chat.read')).deliveries[0]!;
      settled.push(id);
      // One at a time, so they settle in the order emitted.
      const get = () => call(mock.url, 'GET', `/_mock/deliveries/${id}`, { token: mock.token });
      while ((await get()).body.data.status === 'pending') await sleep(5);
    }
    while (receiver.requests.filter((r) => r.url === '/down').length < 3) await sleep(10);

    const kept = await mock.deliveries();
    expect(kept).toHaveLength(5);
    expect(kept.filter((d) => d.webhookId === down.id).map((d) => d.id)).toEqual(pending);
    expect(kept.filter((d) => d.status === 'pending')).toHaveLength(3);
    expect(kept.filter((d) => d.webhookId === up.id).map((d) => d.id)).toEqual(settled.slice(-2));
    const forgotten = await call(mock.url, 'GET', `/_mock/deliveries/${settled[0]}`, { token: mock.token });
    expect(forgotten.status).toBe(404);
  });
});

const silent = pino({ level: 'silent' });

/** One delivery created and settled through the store, as the engine does it. */
function deliverOne(store: MockStore, webhookId: number, url: string): void {
  const event = createEvent('message.received');
  const body = JSON.stringify(event);
  const state = store.createDelivery({
    accountId: 'acct_1',
    webhookId,
    event: { id: event.id, event: event.event, session: event.session, body, byteLength: Buffer.byteLength(body) },
    retries: { attempts: 3, delaySeconds: 5, policy: 'exponential' },
    url,
  });
  const attempt = new AttemptRecord(1, Date.now());
  attempt.statusCode = 200;
  attempt.durationMs = 1;
  state.addAttempt(attempt);
  state.status = 'succeeded';
  store.deliveryChanged(state, 'pending');
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapAfterCollection(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test.each<[string, boolean, number]>([
  ['memory', false, 200_000],
  ['sqlite', true, 50_000],
])('%s store: the heap stays flat over many deliveries at a small retention', async (_kind, withFile, total) => {
  const data = withFile ? tempDataFile() : undefined;
  const store = openStore({ dataFile: data?.file, retainDeliveries: 1_000, logger: silent });
  try {
    const url = 'http://127.0.0.1:9/hook';
    const { id } = store.createWebhook(newWebhookFields('acct_1', { url }));
    let early = 0;
    for (let i = 1; i <= total; i++) {
      deliverOne(store, id, url);
      // Let group commits run as they would between requests.
      if (i % 1_000 === 0) await store.durable();
      if (i === total / 10) early = heapAfterCollection();
    }
    await store.durable();
    const late = heapAfterCollection();
    expect(store.deliveries('acct_1')).toHaveLength(1_000);
    // Nothing forgotten would be about 90 MB more for 180,000 deliveries; a flat heap moves by noise only.
    expect(late - early).toBeLessThan(8 * 2 ** 20);
    if (data !== undefined) {
      store.close();
      const file = new Database(data.file, { readonly: true });
      expect(file.prepare('SELECT count(*) AS n FROM deliveries').get()).toEqual({ n: 1_000 });
      // Each event went with its last delivery.
      expect(file.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1_000 });
      file.close();
    }
  } finally {
    store.close();
    data?.remove();
  }
});
