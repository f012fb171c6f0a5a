// The control API over real HTTP, and the startMockServer handle built on it.

import type { MockServer } from '@titan-webhooks/mock-server';
import { EVENT_EXAMPLES, EVENT_NAMES, type EventName } from '@titan-webhooks/sdk';
import { eventSchemaName } from '@titan-webhooks/sdk/internal';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { call } from '../helpers/contract.js';
import { STORE_KINDS } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...titanOpenApiDocument, $id: 'titan' });
const envelopeOf = (event: string) => ajv.getSchema(`titan#/components/schemas/${eventSchemaName(event, 'Event')}`)!;

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  let receiver: TestServer;
  beforeAll(async () => {
    receiver = await startTestServer();
    mock = await startMockServerWith(kind, { tokens: ['tok_a', 'tok_b'], allowPrivateUrls: true, timeScale: 0.001 });
  });
  afterAll(async () => {
    await mock.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await mock.reset();
    await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_b' });
    receiver.handle((_req, res) => res.end());
  });

  const emit = (body: unknown, token = 'tok_a') => call(mock.url, 'POST', '/_mock/events', { token, body });
  const createWebhook = async (fields: Record<string, unknown> = {}, token = 'tok_a') =>
    (await call(mock.url, 'POST', '/api/webhooks', { token, body: { url: `${receiver.url}/hook`, ...fields } })).body
      .data as { id: number };

  describe('POST /_mock/events', () => {
    test.each([...EVENT_NAMES])('%s without a payload: 202 and a valid, fresh envelope', async (event) => {
      const res = await emit({ event });
      expect(res.status).toBe(202);
      const envelope = res.body.data.event;
      expect(envelopeOf(event)(envelope)).toBe(true);
      expect(envelope).toMatchObject({ event, session: 'default', id: expect.stringMatching(/^evt_/) });
      expect(Date.now() - Date.parse(envelope.timestamp)).toBeLessThan(60_000);
      const second = (await emit({ event })).body.data.event;
      expect(second.id).not.toBe(envelope.id);
    });

    test('a generated payload gets fresh message ids and times', async () => {
      const payload = (await emit({ event: 'message.received' })).body.data.event.payload;
      expect(payload.id).not.toBe(EVENT_EXAMPLES['message.received'].id);
      expect(Math.abs(payload.timestamp - Date.now() / 1000)).toBeLessThan(60);
    });

    test('a given payload is used as is', async () => {
      const payload = EVENT_EXAMPLES['session.status'];
      const res = await emit({ event: 'session.status', session: 'sales-1', payload });
      expect(res.status).toBe(202);
      expect(res.body.data.event).toMatchObject({ session: 'sales-1', payload });
    });

    test.each<[string, unknown, string]>([
      ['an unknown event', { event: 'message.nope' }, '/event'],
      ['no event', {}, '/event'],
      ['a bad session', { event: 'chat.read', session: 'no spaces' }, '/session'],
      ['an unknown field', { event: 'chat.read', extra: 1 }, '/extra'],
      ['a payload that is not an object', { event: 'chat.read', payload: 'x' }, '/payload'],
      ['a payload missing a required field', { event: 'chat.read', payload: { read: true } }, '/payload/chatId'],
      [
        'a payload with an unknown field',
        { event: 'chat.read', payload: { ...EVENT_EXAMPLES['chat.read'], surprise: 1 } },
        '/payload/surprise',
      ],
      [
        'a payload of another event',
        { event: 'session.status', payload: EVENT_EXAMPLES['message.received'] },
        '/payload',
      ],
    ])('%s is 400', async (_name, body, path) => {
      const res = await emit(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
      expect(res.body.details.some((d: { path: string }) => d.path.startsWith(path))).toBe(true);
    });

    test('fans out to the matching webhooks of the account only', async () => {
      const all = await createWebhook();
      const star = await createWebhook({ events: ['*'] });
      const matching = await createWebhook({ events: ['chat.read'], session: 'default' });
      await createWebhook({ events: ['chat.mute'] });
      await createWebhook({ session: 'other' });
      await createWebhook({ enabled: false });
      await createWebhook({}, 'tok_b');
      const res = await emit({ event: 'chat.read' });
      expect(res.body.data.deliveries.map((d: { webhookId: number }) => d.webhookId).sort()).toEqual(
        [all.id, star.id, matching.id].sort(),
      );
      expect(res.body.data.deliveries.every((d: { id: string }) => d.id.startsWith('dlv_'))).toBe(true);
    });
  });

  describe('deliveries', () => {
    test('list, filters and get', async () => {
      receiver.handle((req, res) => {
        res.statusCode = JSON.parse(req.body).event === 'chat.mute' ? 410 : 200;
        res.end();
      });
      const hook = await createWebhook({ hmacKey: 'a-secret-of-16+-chars' });
      const other = await createWebhook({ events: ['chat.read'] });
      await emit({ event: 'chat.read' });
      await emit({ event: 'chat.mute' });
      await mock.waitForDeliveries({ count: 3 });

      const all = await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_a' });
      expect(all.status).toBe(200);
      expect(all.body.data).toHaveLength(3);

      const byWebhook = await call(mock.url, 'GET', `/_mock/deliveries?webhookId=${other.id}`, { token: 'tok_a' });
      expect(byWebhook.body.data.map((d: { webhookId: number }) => d.webhookId)).toEqual([other.id]);
      const failed = await call(mock.url, 'GET', '/_mock/deliveries?status=failed&event=chat.mute', { token: 'tok_a' });
      expect(failed.body.data).toHaveLength(1);
      expect(failed.body.data[0]).toMatchObject({ webhookId: hook.id, event: 'chat.mute', status: 'failed' });
      expect(failed.body.data[0].attempts[0]).toMatchObject({ attempt: 1, statusCode: 410 });

      const one = await call(mock.url, 'GET', `/_mock/deliveries/${failed.body.data[0].id}`, { token: 'tok_a' });
      expect(one.body.data).toEqual(failed.body.data[0]);
      expect(one.body.data.request.headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

      expect((await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_b' })).body.data).toEqual([]);
      expect((await call(mock.url, 'GET', `/_mock/deliveries/${one.body.data.id}`, { token: 'tok_b' })).status).toBe(
        404,
      );
      expect((await call(mock.url, 'GET', '/_mock/deliveries/dlv_nope', { token: 'tok_a' })).status).toBe(404);
    });

    test.each([
      'webhookId=0',
      'webhookId=abc',
      'webhookId=1.5',
      'event=nope',
      'status=done',
      'status=failed&status=pending',
      'color=red',
    ])('a bad query %s is 400', async (query) => {
      const res = await call(mock.url, 'GET', `/_mock/deliveries?${query}`, { token: 'tok_a' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
    });
  });

  describe('pages of deliveries', () => {
    const page = (query: string, token = 'tok_a') => call(mock.url, 'GET', `/_mock/deliveries?${query}`, { token });

    test('limit and cursor walk the deliveries oldest first; nextCursor is null on the last page', async () => {
      await createWebhook();
      await createWebhook({ events: ['chat.read'] });
      const emitted: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { body } = await emit({ event: i % 2 ? 'chat.read' : 'chat.mute' });
        emitted.push(...body.data.deliveries.map((d: { id: string }) => d.id));
      }
      expect(emitted).toHaveLength(6);

      const first = await page('limit=4');
      expect(first.status).toBe(200);
      expect(first.body.data.map((d: { id: string }) => d.id)).toEqual(emitted.slice(0, 4));
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await page(`limit=4&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.data.map((d: { id: string }) => d.id)).toEqual(emitted.slice(4));
      expect(second.body.nextCursor).toBeNull();

      // Filters apply to every page; a full last page still ends with null when nothing follows.
      const filtered = await page('limit=2&event=chat.read');
      expect(filtered.body.data).toHaveLength(2);
      expect(filtered.body.data.every((d: { event: string }) => d.event === 'chat.read')).toBe(true);
      const rest = await page(`limit=2&event=chat.read&cursor=${encodeURIComponent(filtered.body.nextCursor)}`);
      expect(rest.body.data).toHaveLength(2);
      expect(rest.body.nextCursor).toBeNull();
      expect((await page('')).body).toEqual({ data: expect.any(Array), nextCursor: null });
      // A cursor names a position, not a delivery of the account: another account's page is simply empty.
      expect((await page(`cursor=${encodeURIComponent(first.body.nextCursor)}`, 'tok_b')).body).toEqual({
        data: [],
        nextCursor: null,
      });
    });

    test.each(['limit=0', 'limit=1001', 'limit=ten', 'cursor=', 'cursor=nope', 'cursor=ZDE%3D%3D'])(
      'a bad %s is 400',
      async (query) => {
        const res = await page(query);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_error');
      },
    );

    test('the SDK client follows the pages; deliveriesPage returns one', async () => {
      const control = createMockControl({ baseUrl: mock.url, token: 'tok_a', retry: false });
      await Promise.all([createWebhook(), createWebhook(), createWebhook()]);
      // 1002 deliveries: more than the largest page, so deliveries() has to follow the cursor.
      for (let i = 0; i < 334; i += 20) {
        await Promise.all(Array.from({ length: Math.min(20, 334 - i) }, () => emit({ event: 'presence.update' })));
      }
      const all = await control.deliveries();
      expect(all).toHaveLength(1002);
      expect(new Set(all.map((d) => d.id)).size).toBe(1002);
      expect(await mock.deliveries()).toHaveLength(1002);
      const one = await control.deliveriesPage({ limit: 10, event: 'presence.update' });
      expect(one.data.map((d) => d.id)).toEqual(all.slice(0, 10).map((d) => d.id));
      const next = await control.deliveriesPage({ limit: 10, event: 'presence.update', cursor: one.nextCursor! });
      expect(next.data.map((d) => d.id)).toEqual(all.slice(10, 20).map((d) => d.id));
      await expect(control.deliveriesPage({ limit: 5000 })).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('reset', () => {
    test('removes the account’s webhooks and deliveries, not another account’s', async () => {
      await createWebhook();
      await createWebhook({}, 'tok_b');
      await emit({ event: 'call.missed' });
      await emit({ event: 'call.missed' }, 'tok_b');
      const res = await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_a' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { success: true } });
      expect((await call(mock.url, 'GET', '/api/webhooks', { token: 'tok_a' })).body.data).toEqual([]);
      expect((await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_a' })).body.data).toEqual([]);
      expect((await call(mock.url, 'GET', '/api/webhooks', { token: 'tok_b' })).body.data).toHaveLength(1);
      expect((await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_b' })).body.data).toHaveLength(1);
    });
  });

  describe('the startMockServer handle', () => {
    test('emit, deliveries, waitForDeliveries and reset act on the first token', async () => {
      const hook = await createWebhook({ events: ['message.received'] });
      const { event, deliveries } = await mock.emit('message.received', undefined, 'sales-1');
      expect(event.session).toBe('sales-1');
      expect(deliveries).toEqual([{ id: expect.stringMatching(/^dlv_/), webhookId: hook.id }]);
      const [delivery] = await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded' });
      expect(delivery!.eventId).toBe(event.id);
      expect(JSON.parse(receiver.requests.at(-1)!.body)).toEqual(event);
      expect(await mock.deliveries({ event: 'message.received' as EventName })).toHaveLength(1);
      await mock.reset();
      expect(await mock.deliveries()).toEqual([]);
    });

    test('emit rejects an invalid payload with the API error', async () => {
      await expect(mock.emit('chat.read', { chatId: 'x' } as never)).rejects.toMatchObject({
        status: 400,
        code: 'validation_error',
      });
    });

    test('waitForDeliveries rejects after its timeout', async () => {
      await expect(mock.waitForDeliveries({ event: 'history.sync' }, 50)).rejects.toThrow();
    });
  });
});
