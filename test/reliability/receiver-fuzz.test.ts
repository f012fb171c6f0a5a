// The receiver under arbitrary deliveries over HTTP: it never accepts a bad signature, never
// crashes, and answers 500 only when a handler throws.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { titanWebhooks } from '@titan-webhooks/receiver';
import { buildTestDelivery, EVENT_NAMES, signPayload } from '@titan-webhooks/sdk';
import express from 'express';
import fc from 'fast-check';

const KEY = 'fuzz-key-0123456789abcdef';
let server: Server;
let url: string;
let handled = 0;

beforeAll(async () => {
  const app = express();
  app.post(
    '/hook',
    titanWebhooks({
      hmacKey: KEY,
      onEvent: () => {
        handled += 1;
      },
    }),
  );
  app.post(
    '/throws',
    titanWebhooks({
      hmacKey: KEY,
      onEvent: () => {
        throw new Error('handler failed');
      },
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(url + path, { method: 'POST', body: body as BodyInit, headers });

test('a mutated body, signature or key is never accepted and never crashes the app', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...EVENT_NAMES),
      fc.constantFrom('body', 'signature', 'key'),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      async (event, target, position, flip) => {
        const delivery = await buildTestDelivery(event, undefined, { hmacKey: KEY });
        const headers = { ...delivery.headers };
        let body = Buffer.from(delivery.body);
        if (target === 'body') {
          body = Buffer.from(body);
          const i = position % body.length;
          body[i] = body[i]! ^ flip;
        } else if (target === 'signature') {
          const sig = headers['x-webhook-signature']!;
          const i = 7 + (position % 64);
          const replacement = ((parseInt(sig[i]!, 16) + 1 + (flip % 15)) % 16).toString(16);
          headers['x-webhook-signature'] = sig.slice(0, i) + replacement + sig.slice(i + 1);
        } else {
          headers['x-webhook-signature'] = await signPayload(
            delivery.body,
            KEY + String.fromCharCode(32 + (flip % 90)),
          );
        }
        delete headers['content-length'];
        const before = handled;
        const response = await post('/hook', body, headers);
        await response.text();
        expect(response.status).toBe(401);
        expect(handled).toBe(before);
      },
    ),
    { numRuns: 300 },
  );
});

test('arbitrary bodies and headers get a 4xx error body, never a 500', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ maxLength: 500 }), fc.uint8Array({ maxLength: 500 })),
      fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^sha256=[0-9a-fA-F]{0,70}$/)), {
        nil: undefined,
      }),
      fc.constantFrom(
        'application/json',
        'application/cloudevents+json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      fc.boolean(),
      async (body, signature, contentType, signCorrectly) => {
        const headers: Record<string, string> = { 'content-type': contentType };
        const sig = signCorrectly ? await signPayload(body, KEY) : signature;
        if (sig !== undefined && /^[\x20-\x7e]*$/.test(sig)) headers['x-webhook-signature'] = sig;
        const before = handled;
        const response = await post('/hook', body, headers);
        const answer = await response.text();
        expect([200, 400, 401, 415]).toContain(response.status);
        if (response.status !== 200) expect(typeof JSON.parse(answer).error).toBe('string');
        if (response.status === 200) expect(handled).toBe(before + 1);
        else expect(handled).toBe(before);
      },
    ),
    { numRuns: 400 },
  );
});

test('500 comes only from a throwing handler, and only after verification', async () => {
  const good = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
  expect((await post('/throws', good.body, good.headers)).status).toBe(500);
  const bad = await buildTestDelivery('message.received', undefined, { hmacKey: 'another-key-0123456789' });
  expect((await post('/throws', bad.body, bad.headers)).status).toBe(401);
});
