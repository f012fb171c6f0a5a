/**
 * Event names this version does not know (Titan adds event types): accepted by default with
 * onUnknownEvent, never given to the typed handlers, refused with unknownEvents: 'reject'; and
 * constructEvent / verifyWebhookSignature throwing unknown_event with the envelope.
 */
import type { IncomingMessage } from 'node:http';
import {
  constructEvent,
  createWebhookHandler,
  type ReceiverOptions,
  titanWebhooks,
  type UnknownEvent,
  verifyWebhookSignature,
  WebhookVerificationError,
} from '@titan-webhooks/receiver';
import { signPayload } from '@titan-webhooks/sdk';
import express5 from 'express';
import request from 'supertest';

// Express 4 is installed as the alias package express4 and has no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express5;

const KEY = 'unknown-events-key-0123456789';

let sequence = 0;
/** A signed delivery of an event named `name`, which no version of this toolkit knows. */
async function unknownDelivery(name = 'message.translated') {
  const envelope: UnknownEvent = {
    id: `evt_unknown_${++sequence}`,
    event: name,
    session: 'default',
    timestamp: new Date().toISOString(),
    payload: { text: 'hola', language: 'es' },
  };
  const body = JSON.stringify(envelope);
  return {
    envelope,
    body,
    headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayload(body, KEY) },
  };
}

interface Calls {
  on: jest.Mock;
  onEvent: jest.Mock;
  onUnknownEvent: jest.Mock;
}

const handlers = (): Calls => ({ on: jest.fn(), onEvent: jest.fn(), onUnknownEvent: jest.fn() });

/** Each way to receive: Express 5, Express 4 and the web handler, answering { status, body }. */
const receivers: Array<
  [string, (calls: Calls, options: Partial<ReceiverOptions<unknown>>) => (d: Delivery) => Promise<Answer>]
> = [
  ['Express 5', (calls, options) => viaExpress(express5, calls, options)],
  ['Express 4', (calls, options) => viaExpress(express4, calls, options)],
  [
    'the web handler',
    (calls, options) => {
      const handle = createWebhookHandler({ hmacKey: KEY, ...wire(calls), ...options });
      return async (d) => {
        const res = await handle(
          new Request('http://localhost/', { method: 'POST', body: d.body, headers: d.headers }),
        );
        return { status: res.status, body: await res.json() };
      };
    },
  ],
];

type Delivery = Awaited<ReturnType<typeof unknownDelivery>>;
interface Answer {
  status: number;
  body: unknown;
}

function wire(calls: Calls) {
  return {
    on: { 'message.received': calls.on },
    onEvent: calls.onEvent,
    onUnknownEvent: calls.onUnknownEvent,
  };
}

function viaExpress(express: typeof express5, calls: Calls, options: Partial<ReceiverOptions<unknown>>) {
  const app = express();
  app.post(
    '/',
    titanWebhooks({ hmacKey: KEY, ...wire(calls), ...(options as Partial<ReceiverOptions<IncomingMessage>>) }),
  );
  return async (d: Delivery): Promise<Answer> => {
    const res = await request(app).post('/').set(d.headers).send(d.body);
    return { status: res.status, body: res.body };
  };
}

describe.each(receivers)('unknown events on %s', (_name, receiverWith) => {
  test('are answered 200 {received, unknown} after onUnknownEvent; on and onEvent are not called', async () => {
    const calls = handlers();
    const d = await unknownDelivery();
    expect(await receiverWith(calls, {})(d)).toEqual({ status: 200, body: { received: true, unknown: true } });
    expect(calls.onUnknownEvent).toHaveBeenCalledTimes(1);
    expect(calls.onUnknownEvent.mock.calls[0]![0]).toEqual(d.envelope);
    // The framework's request comes second, as for the typed handlers.
    expect(calls.onUnknownEvent.mock.calls[0]![1]).toBeDefined();
    expect(calls.on).not.toHaveBeenCalled();
    expect(calls.onEvent).not.toHaveBeenCalled();
  });

  test('are accepted without onUnknownEvent too', async () => {
    const d = await unknownDelivery();
    expect(await receiverWith(handlers(), { onUnknownEvent: undefined })(d)).toEqual({
      status: 200,
      body: { received: true, unknown: true },
    });
  });

  test('unknownEvents: "reject" answers 400 invalid_envelope and calls nothing', async () => {
    const calls = handlers();
    const answer = await receiverWith(calls, { unknownEvents: 'reject' })(await unknownDelivery());
    expect(answer).toEqual({
      status: 400,
      body: { error: expect.stringContaining('message.translated'), code: 'invalid_envelope' },
    });
    expect(calls.onUnknownEvent).not.toHaveBeenCalled();
  });

  test('must still be signed: a wrong signature is 401 and calls nothing', async () => {
    const calls = handlers();
    const d = await unknownDelivery();
    const answer = await receiverWith(
      calls,
      {},
    )({
      ...d,
      headers: { ...d.headers, 'x-webhook-signature': await signPayload(d.body, 'another-key-0123456789') },
    });
    expect(answer).toMatchObject({ status: 401, body: { code: 'signature_mismatch' } });
    expect(calls.onUnknownEvent).not.toHaveBeenCalled();
  });

  test('an envelope that is not valid is still 400 invalid_envelope, whatever its name', async () => {
    const calls = handlers();
    const body = JSON.stringify({ id: 'evt_1', event: 'message.translated', session: 'default', payload: {} });
    const answer = await receiverWith(
      calls,
      {},
    )({
      envelope: undefined as never,
      body,
      headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayload(body, KEY) },
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 'invalid_envelope' } });
    expect(calls.onUnknownEvent).not.toHaveBeenCalled();
  });

  test('go through dedupe: a duplicate does not run onUnknownEvent again; a failure is retried', async () => {
    const calls = handlers();
    calls.onUnknownEvent.mockRejectedValueOnce(new Error('queue unavailable'));
    const receive = receiverWith(calls, { dedupe: true });
    const d = await unknownDelivery();
    expect(await receive(d)).toMatchObject({ status: 500, body: { code: 'handler_failed' } });
    expect(await receive(d)).toEqual({ status: 200, body: { received: true, unknown: true } });
    expect(await receive(d)).toEqual({ status: 200, body: { received: true, unknown: true, duplicate: true } });
    expect(calls.onUnknownEvent).toHaveBeenCalledTimes(2);
  });
});

test('Express without handlers (verify-only) answers unknown events itself: the typed route is not reached', async () => {
  const route = jest.fn((_req: unknown, res: express5.Response) => res.sendStatus(204));
  const app = express5();
  app.post('/', titanWebhooks({ hmacKey: KEY }), route);
  const d = await unknownDelivery();
  const res = await request(app).post('/').set(d.headers).send(d.body);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ received: true, unknown: true });
  expect(route).not.toHaveBeenCalled();
});

describe.each([
  ['constructEvent', (body: string, signature: string) => constructEvent(body, signature, KEY)],
  ['verifyWebhookSignature', (body: string, signature: string) => verifyWebhookSignature(body, signature, KEY)],
])('%s', (_name, verify) => {
  test('throws unknown_event (400) with the verified envelope on error.event', async () => {
    const d = await unknownDelivery('payment.captured');
    const error = await verify(d.body, d.headers['x-webhook-signature']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ code: 'unknown_event', status: 400, event: d.envelope });
    expect((error as Error).message).toContain('payment.captured');
  });

  test('checks the signature before the name: an unknown event with a wrong signature is signature_mismatch', async () => {
    const d = await unknownDelivery();
    await expect(verify(d.body, await signPayload(d.body, 'another-key-0123456789'))).rejects.toMatchObject({
      code: 'signature_mismatch',
      event: undefined,
    });
  });
});
