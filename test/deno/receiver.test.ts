// The built receiver on Deno: its web handler behind a real Deno.serve, deliveries from the SDK over HTTP.

import { createWebhookHandler, verifySignature } from '../../receiver/dist/index.js';
import { buildTestDelivery } from '../../sdk/dist/index.js';
import { assert, assertEquals } from './assert.ts';

const KEY = 'deno-receiver-key-0123456789';

async function withServer(test: (url: string, seen: unknown[]) => Promise<void>): Promise<void> {
  const seen: unknown[] = [];
  const handler = createWebhookHandler({
    hmacKey: KEY,
    on: { 'message.received': (event) => void seen.push({ id: event.id, from: event.payload.from }) },
  });
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, handler);
  try {
    await test(`http://127.0.0.1:${server.addr.port}/webhooks/titan`, seen);
  } finally {
    await server.shutdown();
  }
}

Deno.test('a signed delivery over HTTP is answered 200 and reaches the typed handler', () =>
  withServer(async (url, seen) => {
    const delivery = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const response = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    assertEquals(response.status, 200);
    assertEquals(await response.json(), { received: true });
    assertEquals(seen, [{ id: delivery.event.id, from: delivery.event.payload.from }]);
  }));

Deno.test('a delivery signed with another key is answered 401 and reaches no handler', () =>
  withServer(async (url, seen) => {
    const delivery = await buildTestDelivery('message.received', undefined, { hmacKey: 'another-key-0123456789' });
    const response = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    assertEquals(response.status, 401);
    assertEquals((await response.json()).code, 'signature_mismatch');
    assertEquals(seen, []);
  }));

Deno.test('an unsigned delivery is 401 missing_signature', () =>
  withServer(async (url) => {
    const delivery = await buildTestDelivery('message.received');
    const response = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    assertEquals(response.status, 401);
    assertEquals((await response.json()).code, 'missing_signature');
  }));

const vectors = JSON.parse(await Deno.readTextFile(new URL('../vectors/signatures.json', import.meta.url)));
const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

Deno.test('verifySignature agrees with every shared vector and header form on Deno', async () => {
  for (const v of vectors.valid) assert(await verifySignature(bytes(v.bodyBase64), v.signature, v.hmacKey), v.name);
  const [first] = vectors.valid;
  for (const form of vectors.headerForms) {
    assertEquals(await verifySignature(bytes(first.bodyBase64), form.signature, first.hmacKey), form.valid);
  }
});
