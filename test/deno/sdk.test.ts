// The SDK's own tests on Deno: the Web Crypto back end and the npm package as Deno resolves it.

import * as web from '../../sdk/dist/hmac/web.js';
import { buildTestDelivery, createTitanClient, signPayload, TitanApiError } from '../../sdk/dist/index.js';
import { assert, assertEquals, assertRejects } from './assert.ts';

const vectors = JSON.parse(await Deno.readTextFile(new URL('../vectors/signatures.json', import.meta.url)));
const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const hex = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');

for (const v of vectors.valid) {
  Deno.test(`signPayload matches the vector: ${v.name}`, async () => {
    assertEquals(await signPayload(bytes(v.bodyBase64), v.hmacKey), v.signature);
  });
  Deno.test(`Web Crypto back end matches the vector: ${v.name}`, async () => {
    const digest = await web.hmacSha256(v.hmacKey, bytes(v.bodyBase64));
    assertEquals(`sha256=${hex(digest)}`, v.signature);
    assert(await web.hmacSha256Equals(v.hmacKey, bytes(v.bodyBase64), hex(digest)));
  });
}

Deno.test('buildTestDelivery signs what it sends', async () => {
  const delivery = await buildTestDelivery('session.status', undefined, { hmacKey: 'deno-key-0123456789' });
  assertEquals(delivery.headers['x-webhook-signature'], await signPayload(delivery.body, 'deno-key-0123456789'));
  assertEquals(JSON.parse(delivery.body).event, 'session.status');
});

Deno.test('the client talks to a real Deno.serve server and throws TitanApiError', async () => {
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, (request) => {
    if (request.headers.get('authorization') !== 'Bearer titan_deno') {
      return Response.json({ error: 'missing or invalid API key', code: 'unauthorized' }, { status: 401 });
    }
    return Response.json({ data: [] });
  });
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  try {
    assertEquals(await createTitanClient({ baseUrl, token: 'titan_deno' }).webhooks.list(), []);
    const error = await assertRejects(
      () => createTitanClient({ baseUrl, token: 'wrong' }).webhooks.list(),
      TitanApiError,
    );
    assertEquals((error as TitanApiError).code, 'unauthorized');
  } finally {
    await server.shutdown();
  }
});
