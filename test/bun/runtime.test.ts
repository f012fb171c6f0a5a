// The SDK and the receiver on Bun, as published: Bun.serve with the web handler, deliveries from the
// SDK over real HTTP, and both HMAC back ends on the shared vectors.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createWebhookHandler, verifySignature } from '@titan-webhooks/receiver';
import { buildTestDelivery, createTitanClient, signPayload, TitanApiError } from '@titan-webhooks/sdk';
import * as web from '../../sdk/dist/hmac/web.js';
// biome-ignore lint/correctness/useImportExtensions: a JSON module is named by its own extension.
import vectors from '../vectors/signatures.json';

const KEY = 'bun-receiver-key-0123456789';
const seen: string[] = [];
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: createWebhookHandler({
    hmacKey: KEY,
    on: { 'session.status': (event) => void seen.push(`${event.id} ${event.payload.status}`) },
  }),
});
const api = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: (request) =>
    request.headers.get('authorization') === 'Bearer titan_bun'
      ? Response.json({ data: [] })
      : Response.json({ error: 'missing or invalid API key', code: 'unauthorized' }, { status: 401 }),
});
beforeAll(() => void seen.splice(0));
afterAll(() => {
  receiver.stop(true);
  api.stop(true);
});

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const hex = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');

for (const v of vectors.valid) {
  test(`both HMAC back ends match the vector: ${v.name}`, async () => {
    expect(await signPayload(bytes(v.bodyBase64), v.hmacKey)).toBe(v.signature);
    expect(`sha256=${hex(await web.hmacSha256(v.hmacKey, bytes(v.bodyBase64)))}`).toBe(v.signature);
  });
}

for (const form of vectors.headerForms) {
  test(`verifySignature on the header form "${form.name}" is ${form.valid}`, async () => {
    const [first] = vectors.valid;
    expect(await verifySignature(bytes(first!.bodyBase64), form.signature, first!.hmacKey)).toBe(form.valid);
  });
}

test('a signed delivery over HTTP reaches the typed handler; another key is 401', async () => {
  const url = `http://127.0.0.1:${receiver.port}/webhooks/titan`;
  const good = await buildTestDelivery('session.status', undefined, { hmacKey: KEY });
  const ok = await fetch(url, { method: 'POST', body: good.body, headers: good.headers });
  expect(ok.status).toBe(200);
  expect(seen).toEqual([`${good.event.id} ${good.event.payload.status}`]);
  const bad = await buildTestDelivery('session.status', undefined, { hmacKey: 'another-key-0123456789' });
  const refused = await fetch(url, { method: 'POST', body: bad.body, headers: bad.headers });
  expect(refused.status).toBe(401);
  expect(seen).toHaveLength(1);
});

test('the client reads data and throws TitanApiError over real HTTP', async () => {
  const baseUrl = `http://127.0.0.1:${api.port}`;
  expect(await createTitanClient({ baseUrl, token: 'titan_bun' }).webhooks.list()).toEqual([]);
  const error = await createTitanClient({ baseUrl, token: 'wrong', retry: false })
    .webhooks.list()
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TitanApiError);
  expect((error as TitanApiError).code).toBe('unauthorized');
});
