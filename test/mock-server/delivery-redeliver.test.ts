// POST /_mock/deliveries/{id}/redeliver over real HTTP, to real receivers on 127.0.0.1, both stores:
// the same event bytes to the webhook as it is now, on a fresh schedule; 404 and 409 otherwise.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { signPayload, TitanApiError } from '@titan-webhooks/sdk';
import { createMockControl, type Delivery } from '@titan-webhooks/sdk/mock';
import { call } from '../helpers/contract.js';
import { STORE_KINDS, tempDataFile } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const OPTIONS = { allowPrivateUrls: true, timeScale: 0.001 };
const KEY = 'the-first-key-0123456789';
const ROTATED = 'the-rotated-key-0123456789';

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  let receiver: TestServer;
  beforeAll(async () => {
    receiver = await startTestServer();
    mock = await startMockServerWith(kind, { ...OPTIONS, tokens: ['tok_a', 'tok_b'] });
  });
  afterAll(async () => {
    await mock.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await mock.reset();
    receiver.requests.length = 0;
    receiver.handle((_req, res) => res.end());
  });

  const api = (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: 'tok_a', body });
  const redeliver = (id: string, token = 'tok_a') =>
    call(mock.url, 'POST', `/_mock/deliveries/${id}/redeliver`, { token });
  const createWebhook = async (fields: Record<string, unknown> = {}) =>
    (await api('POST', '/api/webhooks', { url: `${receiver.url}/first`, hmacKey: KEY, ...fields })).body.data as {
      id: number;
    };

  /** Emits one event and waits for its delivery to the webhook to settle. */
  async function delivered(webhookId: number): Promise<Delivery> {
    await mock.emit('message.received');
    const [delivery] = await mock.waitForDeliveries({ webhookId });
    return delivery!;
  }

  test('202 with a new delivery of the same bytes and event id, signed with the current key, to the current url', async () => {
    const hook = await createWebhook();
    const original = await delivered(hook.id);
    await api('PUT', `/api/webhooks/${hook.id}`, { hmacKey: ROTATED, url: `${receiver.url}/second` });

    const res = await redeliver(original.id);
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({ id: expect.stringMatching(/^dlv_/), webhookId: hook.id });
    expect(res.body.data.id).not.toBe(original.id);

    const [, again] = await mock.waitForDeliveries({ webhookId: hook.id, count: 2 });
    expect(again).toMatchObject({ id: res.body.data.id, status: 'succeeded', eventId: original.eventId });
    const [first, second] = receiver.requests;
    expect(first!.url).toBe('/first');
    expect(second!.url).toBe('/second');
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['x-webhook-id']).toBe(original.eventId);
    expect(second!.headers['x-webhook-delivery']).toBe(again!.id);
    expect(second!.headers['x-webhook-signature']).toBe(await signPayload(second!.body, ROTATED));
    expect(second!.headers['x-webhook-signature']).not.toBe(first!.headers['x-webhook-signature']);
    // The new delivery's first attempt: a fresh schedule, attempt 1 again.
    expect(again!.attempts.map((a) => a.attempt)).toEqual([1]);
  });

  test('a pending original can be redelivered, and stays pending', async () => {
    receiver.handle((_req, res) => res.writeHead(500).end());
    // Retries far apart even at this time scale: the original stays pending throughout.
    const hook = await createWebhook({ retries: { attempts: 3, delaySeconds: 3600, policy: 'constant' } });
    const { deliveries } = await mock.emit('message.received');
    await mock.waitForDeliveries({ webhookId: hook.id, settled: false });
    const res = await redeliver(deliveries[0]!.id);
    expect(res.status).toBe(202);
    const original = await createMockControl({ baseUrl: mock.url, token: 'tok_a' }).delivery(deliveries[0]!.id);
    expect(original.status).toBe('pending');
  });

  test('the new delivery uses the retry policy the webhook has now', async () => {
    receiver.handle((_req, res) => res.writeHead(500).end());
    const hook = await createWebhook({ retries: { attempts: 0 } });
    const original = await delivered(hook.id);
    expect(original.attempts).toHaveLength(1);
    await api('PUT', `/api/webhooks/${hook.id}`, { retries: { attempts: 2, delaySeconds: 1, policy: 'constant' } });
    const { id } = (await redeliver(original.id)).body.data;
    const settled = await mock.waitForDeliveries({ webhookId: hook.id, count: 2 });
    expect(settled.find((d) => d.id === id)).toMatchObject({ status: 'failed', attempts: { length: 3 } });
  });

  test('404 for an unknown id and for another account’s delivery', async () => {
    const hook = await createWebhook();
    const original = await delivered(hook.id);
    for (const res of [await redeliver('dlv_unknown'), await redeliver(original.id, 'tok_b')]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'delivery not found', code: 'not_found' });
    }
  });

  test('409 conflict once the webhook is disabled, and once it is deleted', async () => {
    const hook = await createWebhook();
    const original = await delivered(hook.id);
    await api('PUT', `/api/webhooks/${hook.id}`, { enabled: false });
    const disabled = await redeliver(original.id);
    expect(disabled.status).toBe(409);
    expect(disabled.body).toEqual({ error: expect.stringMatching(/disabled/), code: 'conflict' });
    await api('DELETE', `/api/webhooks/${hook.id}`);
    const deleted = await redeliver(original.id);
    expect(deleted.status).toBe(409);
    expect(deleted.body).toEqual({ error: expect.stringMatching(/deleted/), code: 'conflict' });
    // Nothing new was delivered.
    expect(await mock.deliveries()).toHaveLength(1);
  });

  test('the handle and the SDK client: the new id, or TitanApiError with the code', async () => {
    const hook = await createWebhook();
    const original = await delivered(hook.id);
    const again = await mock.redeliver(original.id);
    expect(again).toEqual({ id: expect.stringMatching(/^dlv_/), webhookId: hook.id });
    await api('PUT', `/api/webhooks/${hook.id}`, { enabled: false });
    const control = createMockControl({ baseUrl: mock.url, token: 'tok_a' });
    const error = await control.redeliver(original.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 409, code: 'conflict' });
  });
});

test('with a data file, a redelivered delivery outlives its original and a restart', async () => {
  const receiver = await startTestServer();
  const data = tempDataFile();
  // One delivery kept: the original is forgotten once the redelivery settles, and its event stays.
  const options = { port: 0, ...OPTIONS, dataFile: data.file, retainDeliveries: 1 };
  try {
    let mock = await startMockServer(options);
    await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, body: { url: `${receiver.url}/hook` } });
    await mock.emit('message.received');
    const [original] = await mock.waitForDeliveries({});
    const { id } = await mock.redeliver(original!.id);
    const [again] = await mock.waitForDeliveries({});
    expect(again!.id).toBe(id);
    await mock.close();

    mock = await startMockServer(options);
    try {
      const res = await call(mock.url, 'GET', `/_mock/deliveries/${id}`, { token: mock.token });
      expect(res.body.data).toMatchObject({ eventId: original!.eventId, request: { body: original!.request.body } });
      const gone = await call(mock.url, 'GET', `/_mock/deliveries/${original!.id}`, { token: mock.token });
      expect(gone.status).toBe(404);
    } finally {
      await mock.close();
    }
  } finally {
    data.remove();
    await receiver.close();
  }
});
