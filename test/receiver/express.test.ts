import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ReceiverOptions,
  type TitanEvent,
  type TitanReceiverError,
  titanWebhooks,
  WebhookHandlerError,
} from '@titan-webhooks/receiver';
import { buildTestDelivery, createEvent, signPayload, type TestDelivery } from '@titan-webhooks/sdk';
import express5 from 'express';
import request from 'supertest';
import { postEndlessBody } from './helpers.js';

// Express 4 is installed as the alias package express4 and has no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express5;

const KEY = 'express-key-0123456789';
const OLD_KEY = 'express-old-key-0123456789';
const PATH = '/webhooks/titan';

type Options = ReceiverOptions<IncomingMessage>;
type BodyParsing = 'none' | 'json' | 'json-verify' | 'raw';

const post = (
  app: express5.Express,
  delivery: Pick<TestDelivery, 'body' | 'headers'>,
  headers: Record<string, string | undefined> = {},
) => {
  const test = request(app).post(PATH);
  for (const [name, value] of Object.entries({ ...delivery.headers, ...headers }))
    if (value !== undefined) test.set(name, value);
  return test.send(delivery.body);
};

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('titanWebhooks on %s', (_name, express) => {
  function appWith(options: Partial<Options>, parsing: BodyParsing = 'none'): express5.Express {
    const app = express();
    if (parsing === 'json') app.use(express.json());
    if (parsing === 'json-verify') {
      app.use(
        express.json({
          verify: (req, _res, buf) => {
            (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
          },
        }),
      );
    }
    if (parsing === 'raw') app.use(express.raw({ type: 'application/json' }));
    app.post(PATH, titanWebhooks({ hmacKey: KEY, onEvent: () => undefined, ...options }));
    return app;
  }

  const delivery = (options: Parameters<typeof buildTestDelivery>[2] = {}) =>
    buildTestDelivery('message.received', undefined, { hmacKey: KEY, ...options });

  describe('answers', () => {
    test('200 once the typed handler and onEvent have run', async () => {
      const seen: string[] = [];
      const app = appWith({
        on: {
          'message.received': (event) => void seen.push(`on:${event.id}:${JSON.stringify(event.payload.from)}`),
          'session.status': () => void seen.push('wrong handler'),
        },
        onEvent: (event) => void seen.push(`onEvent:${event.event}`),
      });
      const d = await delivery();
      const res = await post(app, d).expect(200);
      expect(res.body).toEqual({ received: true });
      expect(seen).toEqual([`on:${d.event.id}:${JSON.stringify(d.event.payload.from)}`, 'onEvent:message.received']);
    });

    test('415 when the body is not JSON, before anything else', async () => {
      const handler = jest.fn();
      const app = appWith({ onEvent: handler });
      const res = await post(app, await delivery(), {
        'content-type': 'text/plain',
        'x-webhook-signature': undefined,
      }).expect(415);
      expect(res.body).toEqual({ error: expect.stringContaining('not JSON'), code: 'unsupported_media_type' });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(handler).not.toHaveBeenCalled();
    });

    test.each(['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.titan+json;v=1'])(
      'accepts Content-Type %s',
      async (type) => {
        await post(appWith({}), await delivery(), { 'content-type': type }).expect(200);
      },
    );

    test('413 from the Content-Length alone, before the signature is checked', async () => {
      const handler = jest.fn();
      const app = appWith({ maxBodyBytes: 1024, onEvent: handler });
      const body = JSON.stringify({ padding: 'x'.repeat(2048) });
      const res = await post(app, { body, headers: { 'content-type': 'application/json' } }).expect(413);
      expect(res.body).toEqual({ error: expect.stringContaining('1024 bytes'), code: 'payload_too_large' });
      expect(handler).not.toHaveBeenCalled();
    });

    test('413 with the default 1 MiB limit', async () => {
      const d = await delivery();
      const big = {
        body: d.body.replace('}', `,"padding":"${'x'.repeat(1024 * 1024)}"}`),
        headers: { 'content-type': 'application/json' },
      };
      await post(appWith({}), big).expect(413);
    });

    test('413 for a chunked body without Content-Length, answered while the client is still sending', async () => {
      const handler = jest.fn();
      const server: Server = appWith({ maxBodyBytes: 64 * 1024, onEvent: handler }).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const answer = await postEndlessBody(server, PATH, {
          'content-type': 'application/json',
          'x-webhook-signature': `sha256=${'0'.repeat(64)}`,
        });
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
        expect(answer.headers.connection).toBe('close');
        expect(handler).not.toHaveBeenCalled();
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('401 without a signature', async () => {
      const res = await post(appWith({}), await delivery({ hmacKey: undefined })).expect(401);
      expect(res.body).toMatchObject({ code: 'missing_signature' });
    });

    test('401 for a signature made with another key, or in a wrong format', async () => {
      const app = appWith({});
      expect((await post(app, await delivery({ hmacKey: 'someone-else-0123456789' })).expect(401)).body).toMatchObject({
        code: 'signature_mismatch',
      });
      expect((await post(app, await delivery(), { 'x-webhook-signature': 'sha1=abc' }).expect(401)).body).toMatchObject(
        { code: 'invalid_signature_format' },
      );
    });

    test('401 for a body changed after signing (re-serialised JSON)', async () => {
      const d = await delivery();
      const reserialised = JSON.stringify(JSON.parse(d.body), null, 2);
      await post(appWith({}), {
        body: reserialised,
        headers: { ...d.headers, 'content-length': String(Buffer.byteLength(reserialised)) },
      }).expect(401);
    });

    test('400 for a signed body that is not JSON, or not an envelope', async () => {
      const app = appWith({});
      const notJson = '{"id": "evt_1",';
      const signed = async (body: string) => ({
        body,
        headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayload(body, KEY) },
      });
      expect((await post(app, await signed(notJson)).expect(400)).body).toMatchObject({ code: 'invalid_json' });
      expect((await post(app, await signed('{"id":"evt_1","event":"nope"}')).expect(400)).body).toMatchObject({
        code: 'invalid_envelope',
      });
    });

    test('500 when a handler throws, so Titan retries; the handler message stays private; onError sees it', async () => {
      const errors: TitanReceiverError[] = [];
      const app = appWith({
        on: { 'message.received': () => Promise.reject(new Error('database is down')) },
        onError: (error) => void errors.push(error),
      });
      const d = await delivery();
      const res = await post(app, d).expect(500);
      expect(res.body).toEqual({ error: expect.not.stringContaining('database'), code: 'handler_failed' });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(WebhookHandlerError);
      expect((errors[0]!.cause as Error).message).toBe('database is down');
      expect((errors[0] as WebhookHandlerError).eventId).toBe(d.event.id);
    });

    test('an onError that throws does not change the answer', async () => {
      const app = appWith({
        onError: () => {
          throw new Error('logger broke');
        },
      });
      await post(app, await delivery({ hmacKey: undefined })).expect(401);
    });
  });

  describe('behind other body parsers', () => {
    test('500 behind express.json() with no raw body, naming the fixes', async () => {
      const handler = jest.fn();
      const res = await post(appWith({ onEvent: handler }, 'json'), await delivery()).expect(500);
      expect(res.body.code).toBe('raw_body_unavailable');
      expect(res.body.error).toContain('express.json({ verify: (req, res, buf) => { req.rawBody = buf } })');
      expect(res.body.error).toContain('express.raw({ type: "application/json" })');
      expect(handler).not.toHaveBeenCalled();
    });

    test('200 behind express.json({ verify }) that keeps req.rawBody', async () => {
      const handler = jest.fn();
      const d = await delivery();
      await post(appWith({ onEvent: handler }, 'json-verify'), d).expect(200);
      expect(handler).toHaveBeenCalledWith(d.event, expect.anything());
    });

    test('a kept raw body is still checked: a forged one is 401, a large one 413', async () => {
      await post(appWith({}, 'json-verify'), await delivery({ hmacKey: 'forger-0123456789' })).expect(401);
      const d = await delivery();
      await post(appWith({ maxBodyBytes: 100 }, 'json-verify'), d, { 'content-length': undefined }).expect(413);
    });

    test('200 behind express.raw({ type: "application/json" })', async () => {
      const handler = jest.fn();
      await post(appWith({ onEvent: handler }, 'raw'), await delivery()).expect(200);
      expect(handler).toHaveBeenCalledTimes(1);
    });
  });

  describe('dedupe', () => {
    test('a second delivery of the same event answers 200 without running the handlers again', async () => {
      const handler = jest.fn();
      const app = appWith({ dedupe: true, onEvent: handler });
      const d = await delivery();
      expect((await post(app, d).expect(200)).body).toEqual({ received: true });
      const retry = await delivery({ id: d.event.id, timestamp: d.event.timestamp, attempt: 2 });
      expect((await post(app, retry).expect(200)).body).toEqual({ received: true, duplicate: true });
      expect(handler).toHaveBeenCalledTimes(1);
      await post(app, await delivery()).expect(200);
      expect(handler).toHaveBeenCalledTimes(2);
    });

    test('a failed handler does not mark the event handled: the retry runs the handlers again', async () => {
      const handler = jest.fn().mockRejectedValueOnce(new Error('flaky')).mockResolvedValue(undefined);
      const app = appWith({ dedupe: true, onEvent: handler });
      const d = await delivery();
      await post(app, d).expect(500);
      await post(app, d).expect(200);
      expect((await post(app, d).expect(200)).body).toEqual({ received: true, duplicate: true });
      expect(handler).toHaveBeenCalledTimes(2);
    });

    test('a duplicate arriving while the first is still being handled gets 409, so it is retried later', async () => {
      let finish!: () => void;
      const handler = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
      const app = appWith({ dedupe: true, onEvent: handler });
      const d = await delivery();
      const first = post(app, d).then((res) => res);
      await new Promise<void>((resolve) => {
        const wait = () => (handler.mock.calls.length > 0 ? resolve() : setTimeout(wait, 5));
        wait();
      });
      expect((await post(app, d).expect(409)).body).toMatchObject({ code: 'delivery_in_progress' });
      finish();
      expect((await first).status).toBe(200);
      expect(handler).toHaveBeenCalledTimes(1);
    });

    test('a custom store is used through claim, complete and release', async () => {
      const calls: string[] = [];
      const states = new Map<string, 'in_progress' | 'handled'>();
      const app = appWith({
        on: {
          'message.received': (event) => {
            if (event.session === 'broken') throw new Error('no');
          },
        },
        dedupe: {
          async claim(id, lease) {
            calls.push(`claim ${lease > 0}`);
            const state = states.get(id);
            if (state) return state;
            states.set(id, 'in_progress');
            return 'claimed';
          },
          async complete(id, ttl) {
            calls.push(`complete ${ttl}`);
            states.set(id, 'handled');
          },
          async release(id) {
            calls.push('release');
            states.delete(id);
          },
        },
        dedupeTtlSeconds: 60,
      });
      await post(app, await delivery()).expect(200);
      await post(app, await delivery({ session: 'broken' })).expect(500);
      expect(calls).toEqual(['claim true', 'complete 60', 'claim true', 'release']);
    });

    test('a failing store is a 500 (retried), not a crash', async () => {
      const app = appWith({
        dedupe: {
          claim: () => Promise.reject(new Error('redis down')),
          complete: () => undefined,
          release: () => undefined,
        },
      });
      expect((await post(app, await delivery()).expect(500)).body).toMatchObject({ code: 'internal_error' });
    });
  });

  describe('toleranceSeconds', () => {
    test('an event whose signed timestamp is too old is 400 timestamp_out_of_tolerance; a fresh one 200', async () => {
      const handler = jest.fn();
      const app = appWith({ toleranceSeconds: 300, onEvent: handler });
      const old = await delivery({ timestamp: new Date(Date.now() - 301_000).toISOString() });
      expect((await post(app, old).expect(400)).body).toMatchObject({ code: 'timestamp_out_of_tolerance' });
      await post(app, await delivery({ timestamp: new Date(Date.now() - 250_000).toISOString() })).expect(200);
      expect(handler).toHaveBeenCalledTimes(1);
    });
  });

  describe('key rotation', () => {
    test('deliveries signed with either key are accepted; any other key is 401', async () => {
      const app = appWith({ hmacKey: [KEY, OLD_KEY] });
      await post(app, await delivery({ hmacKey: KEY })).expect(200);
      await post(app, await delivery({ hmacKey: OLD_KEY })).expect(200);
      await post(app, await delivery({ hmacKey: 'retired-key-0123456789' })).expect(401);
    });

    test('an empty key list is refused when the middleware is created', () => {
      expect(() => titanWebhooks({ hmacKey: [] })).toThrow(/hmacKey/);
    });
  });

  describe('req.titanEvent', () => {
    test('without handlers the middleware verifies, sets req.titanEvent and hands over to the route', async () => {
      const app = express();
      app.post(PATH, titanWebhooks({ hmacKey: KEY }), (req, res) => {
        const event = (req as { titanEvent?: TitanEvent }).titanEvent;
        res.status(202).json({ seen: event?.id, session: event?.session });
      });
      const d = await delivery({ session: 'sales' });
      expect((await post(app, d).expect(202)).body).toEqual({ seen: d.event.id, session: 'sales' });
      await post(app, await delivery({ hmacKey: 'forger-0123456789' })).expect(401);
    });

    test('an express.json() after verify-only mode skips the drained stream; req.body is the verified event', async () => {
      const app = express();
      app.post(PATH, titanWebhooks({ hmacKey: KEY }), express.json(), (req, res) => {
        res.json({
          bodyId: (req.body as TitanEvent).id,
          same: req.body === (req as { titanEvent?: TitanEvent }).titanEvent,
        });
      });
      const d = await delivery();
      expect((await post(app, d).expect(200)).body).toEqual({ bodyId: d.event.id, same: true });
    });

    test('handlers and onError see req.titanEvent too', async () => {
      let seen: TitanEvent | undefined;
      const app = appWith({
        onEvent: (_event, req) => {
          seen = (req as { titanEvent?: TitanEvent }).titanEvent;
        },
      });
      const d = await delivery();
      await post(app, d).expect(200);
      expect(seen).toEqual(d.event);
    });

    test('verify-only mode with dedupe: a route that answers 2xx marks the event handled, a 500 does not', async () => {
      let status = 500;
      const route = jest.fn((_req: unknown, res: express5.Response) => void res.sendStatus(status));
      const app = express();
      app.post(PATH, titanWebhooks({ hmacKey: KEY, dedupe: true }), route);
      const d = await delivery();
      await post(app, d).expect(500);
      status = 204;
      await post(app, d).expect(204);
      expect((await post(app, d).expect(200)).body).toEqual({ received: true, duplicate: true });
      expect(route).toHaveBeenCalledTimes(2);
    });
  });

  test('the command.result data form is dispatched to its typed handler with data as payload', async () => {
    const results: unknown[] = [];
    const app = appWith({
      on: { 'command.result': (event) => void results.push([event.id, event.payload.correlationId]) },
    });
    const body = JSON.stringify({
      event: 'command.result',
      session: 'default',
      data: { correlationId: 'cmd-1', success: true, result: {} },
    });
    await post(app, {
      body,
      headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayload(body, KEY) },
    }).expect(200);
    expect(results).toEqual([['evt_command_cmd-1', 'cmd-1']]);
  });

  test('a real server on a port, as Titan would reach it', async () => {
    const received: TitanEvent[] = [];
    const server = appWith({ onEvent: (event) => void received.push(event) }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const d = await buildTestDelivery('session.status', undefined, { hmacKey: KEY });
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`, {
        method: 'POST',
        body: d.body,
        headers: d.headers,
      });
      expect(res.status).toBe(200);
      expect(received).toEqual([
        createEvent('session.status', d.event.payload, { id: d.event.id, timestamp: d.event.timestamp }),
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
