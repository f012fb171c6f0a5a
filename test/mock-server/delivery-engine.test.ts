import { createHmac } from 'node:crypto';
import { DELIVERY_USER_AGENT } from '@titan-webhooks/sdk/internal';
import type { DeliveryEngine } from '../../mock-server/src/model.js';
import {
  createTestEngine,
  STORE_KINDS,
  type TestEngine,
  type TestWebhooks,
  testEvent,
} from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let server: TestServer;
  let harness: TestEngine;
  let engine: DeliveryEngine;
  let webhooks: TestWebhooks;

  beforeEach(async () => {
    server = await startTestServer((_req, res) => res.writeHead(204).end());
    harness = createTestEngine(kind);
    ({ engine, webhooks } = harness);
  });

  afterEach(async () => {
    await harness.close();
    await server.close();
  });

  describe('fan-out', () => {
    test('reaches enabled webhooks of the account whose event and session filters match', async () => {
      const url = server.url;
      const named = webhooks.add({ url, events: ['message.received'] });
      const star = webhooks.add({ url, events: ['*'] });
      const empty = webhooks.add({ url, events: [] });
      const session = webhooks.add({ url, events: ['message.received'], session: 'sales' });
      webhooks.add({ url, events: ['message.received'], session: 'support' });
      webhooks.add({ url, events: ['message.sent'] });
      webhooks.add({ url, events: ['*'], enabled: false });
      webhooks.add({ url, events: ['*'], accountId: 'acct_2' });

      const emitted = engine.emit('acct_1', testEvent('message.received', 'sales'));

      expect(emitted.map((d) => d.webhookId)).toEqual([named.id, star.id, empty.id, session.id]);
      expect(new Set(emitted.map((d) => d.id)).size).toBe(4);
      for (const d of emitted) expect(d.id).toMatch(/^dlv_[0-9a-f]{32}$/);
      await engine.waitFor('acct_1', { count: 4, status: 'succeeded' }, 5_000);
      expect(server.requests).toHaveLength(4);
      expect(webhooks.deliveries('acct_2')).toEqual([]);
    });

    test('an emit looks only at webhooks subscribed to its event', () => {
      const url = server.url;
      for (let i = 0; i < 500; i++) webhooks.add({ url, events: ['message.sent'] });
      for (let i = 0; i < 500; i++) webhooks.add({ url, events: ['message.received'], accountId: 'acct_2' });
      const matching = [webhooks.add({ url, events: ['message.received'] }).id, webhooks.add({ url, events: [] }).id];
      const lookups = jest.spyOn(webhooks.store, 'get');

      const emitted = engine.emit('acct_1', testEvent('message.received'));

      expect(emitted.map((d) => d.webhookId)).toEqual(matching);
      expect(new Set(lookups.mock.calls.map(([id]) => id))).toEqual(new Set(matching));
    });

    test('the index follows updates, disable, re-enable and delete', async () => {
      const hook = webhooks.add({ url: server.url, events: ['message.sent'] });
      expect(engine.emit('acct_1', testEvent('message.received'))).toEqual([]);
      webhooks.update(hook.id, { events: ['message.received'] });
      expect(engine.emit('acct_1', testEvent('message.received'))).toHaveLength(1);
      expect(engine.emit('acct_1', testEvent('message.sent'))).toEqual([]);
      webhooks.update(hook.id, { enabled: false });
      expect(engine.emit('acct_1', testEvent('message.received'))).toEqual([]);
      webhooks.update(hook.id, { enabled: true, session: 'other' });
      expect(engine.emit('acct_1', testEvent('message.received'))).toEqual([]);
      webhooks.update(hook.id, { session: null });
      expect(engine.emit('acct_1', testEvent('message.received'))).toHaveLength(1);
      webhooks.remove(hook.id);
      expect(engine.emit('acct_1', testEvent('message.received'))).toEqual([]);
      await engine.waitFor('acct_1', { count: 2 }, 5_000);
    });
  });

  describe('the wire', () => {
    test('the delivery headers in order, then custom headers; a verifiable signature; Content-Length', async () => {
      const hmacKey = 'a-signing-key-of-some-length';
      const hook = webhooks.add({
        url: `${server.url}/hook?x=1`,
        hmacKey,
        headers: [{ name: 'X-App-ID', value: 'my-app' }],
      });
      const event = testEvent('message.received');
      const [emitted] = engine.emit('acct_1', event);

      const [delivery] = await engine.waitFor('acct_1', { webhookId: hook.id }, 5_000);
      const [req] = server.requests;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe('/hook?x=1');
      expect(req!.body).toBe(JSON.stringify(event));
      const expectedSignature = `sha256=${createHmac('sha256', hmacKey).update(req!.body).digest('hex')}`;
      const expected = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(req!.body)),
        'user-agent': DELIVERY_USER_AGENT,
        'x-webhook-event': 'message.received',
        'x-webhook-id': event.id,
        'x-webhook-delivery': emitted!.id,
        'x-webhook-attempt': '1',
        'x-webhook-signature': expectedSignature,
        'x-app-id': 'my-app',
      };
      expect(req!.headers).toMatchObject(expected);
      expect(req!.headers['transfer-encoding']).toBeUndefined();
      // undici always writes Content-Length itself, after the other headers; the rest keep their order.
      const ours = Object.keys(req!.headers).filter((name) => name in expected && name !== 'content-length');
      expect(ours).toEqual(Object.keys(expected).filter((name) => name !== 'content-length'));

      expect(delivery).toMatchObject({
        id: emitted!.id,
        webhookId: hook.id,
        eventId: event.id,
        event: 'message.received',
        status: 'succeeded',
        request: { url: `${server.url}/hook?x=1`, headers: expected, body: req!.body },
      });
      expect(delivery!.attempts).toEqual([
        {
          attempt: 1,
          startedAt: expect.any(String),
          durationMs: expect.any(Number),
          statusCode: 204,
          error: null,
          nextRetryAt: null,
          response: { headers: expect.objectContaining({ connection: 'keep-alive' }), body: '', truncated: false },
        },
      ]);
    });

    test('an unsigned webhook gets no signature header; a non-ASCII body has its byte length', async () => {
      webhooks.add({ url: server.url });
      const event = testEvent('message.received');
      (event.payload as unknown as Record<string, unknown>).text = 'olá 👋 ñ';
      engine.emit('acct_1', event);
      await engine.waitFor('acct_1', {}, 5_000);
      const [req] = server.requests;
      expect(req!.headers['x-webhook-signature']).toBeUndefined();
      expect(req!.headers['content-length']).toBe(String(Buffer.byteLength(req!.body)));
      expect(Buffer.byteLength(req!.body)).toBeGreaterThan(req!.body.length);
    });

    test('one event keeps one body and id across webhooks; each webhook has its own delivery id', async () => {
      webhooks.add({ url: server.url, hmacKey: 'key-number-one-0000' });
      webhooks.add({ url: server.url, hmacKey: 'key-number-two-0000' });
      const event = testEvent('presence.update');
      engine.emit('acct_1', event);
      const deliveries = await engine.waitFor('acct_1', { count: 2 }, 5_000);
      expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
      expect(new Set(server.requests.map((r) => r.headers['x-webhook-id']))).toEqual(new Set([event.id]));
      expect(new Set(server.requests.map((r) => r.headers['x-webhook-delivery']))).toEqual(
        new Set(deliveries.map((d) => d.id)),
      );
      expect(server.requests[0]!.headers['x-webhook-signature']).not.toBe(
        server.requests[1]!.headers['x-webhook-signature'],
      );
    });
  });

  describe('records', () => {
    test('list is oldest first and filters by webhookId, event and status; get stays within the account', async () => {
      const a = webhooks.add({ url: server.url, events: ['message.received'] });
      const b = webhooks.add({
        url: server.url,
        events: ['message.sent'],
        retries: { attempts: 0, delaySeconds: 1, policy: 'constant' },
      });
      const first = engine.emit('acct_1', testEvent('message.received'));
      const second = engine.emit('acct_1', testEvent('message.sent'));
      await engine.waitFor('acct_1', { count: 2 }, 5_000);
      server.handle((_req, res) => res.writeHead(500).end());
      const third = engine.emit('acct_1', testEvent('message.sent'));
      await engine.waitFor('acct_1', { status: 'failed' }, 5_000);

      expect(webhooks.deliveries('acct_1').map((d) => d.id)).toEqual([...first, ...second, ...third].map((d) => d.id));
      expect(webhooks.deliveries('acct_1', { webhookId: a.id }).map((d) => d.id)).toEqual(first.map((d) => d.id));
      expect(webhooks.deliveries('acct_1', { event: 'message.sent' })).toHaveLength(2);
      expect(webhooks.deliveries('acct_1', { webhookId: b.id, status: 'failed' }).map((d) => d.id)).toEqual(
        third.map((d) => d.id),
      );
      expect(webhooks.delivery('acct_1', first[0]!.id)?.status).toBe('succeeded');
      expect(webhooks.delivery('acct_2', first[0]!.id)).toBeUndefined();
      expect(webhooks.delivery('acct_1', 'dlv_unknown')).toBeUndefined();
    });

    test('reset cancels and forgets the account’s deliveries, not others’', async () => {
      server.handle((_req, res) => res.writeHead(500).end());
      webhooks.add({ url: `${server.url}/one`, retries: { attempts: 5, delaySeconds: 60, policy: 'constant' } });
      webhooks.add({
        url: `${server.url}/two`,
        accountId: 'acct_2',
        retries: { attempts: 0, delaySeconds: 1, policy: 'constant' },
      });
      engine.emit('acct_1', testEvent());
      engine.emit('acct_2', testEvent());
      await engine.waitFor('acct_2', {}, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [pending] = webhooks.deliveries('acct_1');
      expect(pending!.attempts[0]!.nextRetryAt).not.toBeNull();
      webhooks.store.resetAccount('acct_1');
      expect(webhooks.deliveries('acct_1')).toEqual([]);
      expect(webhooks.delivery('acct_1', pending!.id)).toBeUndefined();
      expect(webhooks.deliveries('acct_2')).toHaveLength(1);
      // The retry was due 600 ms after the first try.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(server.requests.filter((r) => r.url === '/one')).toHaveLength(1);
    });
  });

  describe('waitFor', () => {
    test('attempts that finish after a reset do not count: a waiter never resolves with fewer than it asked for', async () => {
      const held: (() => void)[] = [];
      server.handle((_req, res) => void held.push(() => res.writeHead(200).end()));
      const hook = webhooks.add({ url: server.url });
      engine.emit('acct_1', testEvent());
      engine.emit('acct_1', testEvent());
      while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const waiting = engine.waitFor('acct_1', { webhookId: hook.id, count: 2 }, 500);
      webhooks.store.resetAccount('acct_1');
      for (const release of held) release();
      await expect(waiting).rejects.toThrow(/timed out/);
    });

    test('resolves on the state change, without polling', async () => {
      let answer: (() => void) | undefined;
      server.handle((_req, res) => {
        answer = () => res.writeHead(200).end();
      });
      webhooks.add({ url: server.url });
      engine.emit('acct_1', testEvent());
      const waited = engine.waitFor('acct_1', {}, 5_000);
      // Spy on timers only now: an event-driven waitFor schedules nothing while it waits.
      const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
      const setIntervalSpy = jest.spyOn(global, 'setInterval');
      try {
        await new Promise<void>((resolve) => {
          const check = (): void => void (answer ? resolve() : setImmediate(check));
          check();
        });
        const callsBefore = setTimeoutSpy.mock.calls.length;
        await new Promise((resolve) => setImmediate(resolve));
        expect(setTimeoutSpy.mock.calls.length).toBe(callsBefore);
        expect(setIntervalSpy).not.toHaveBeenCalled();
        const started = Date.now();
        answer!();
        const [delivery] = await waited;
        expect(Date.now() - started).toBeLessThan(100);
        expect(delivery!.status).toBe('succeeded');
      } finally {
        setTimeoutSpy.mockRestore();
        setIntervalSpy.mockRestore();
      }
    });

    test('counts, settled: false, and resolves at once when already satisfied', async () => {
      webhooks.add({ url: server.url });
      engine.emit('acct_1', testEvent());
      engine.emit('acct_1', testEvent());
      expect(await engine.waitFor('acct_1', { count: 2, settled: false }, 100)).toHaveLength(2);
      const done = await engine.waitFor('acct_1', { count: 2 }, 5_000);
      expect(done.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
      expect(await engine.waitFor('acct_1', { count: 2, status: 'succeeded' }, 10)).toHaveLength(2);
    });

    test('rejects on timeout with what it saw', async () => {
      server.handle(() => undefined);
      const hook = webhooks.add({ url: server.url });
      const [emitted] = engine.emit('acct_1', testEvent());
      await expect(engine.waitFor('acct_1', { webhookId: hook.id }, 150)).rejects.toThrow(
        new RegExp(
          `timed out after 150 ms .*\\n.*1 pending\\.\\n  ${emitted!.id} \\(webhook ${hook.id}, message.received\\): pending`,
        ),
      );
      await expect(engine.waitFor('acct_1', { event: 'message.sent' }, 10)).rejects.toThrow(
        /Saw no delivery with event message.sent/,
      );
    });
  });
});
