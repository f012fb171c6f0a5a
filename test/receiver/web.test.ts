import { createWebhookHandler, type TitanEvent } from '@titan-webhooks/receiver';
import { buildTestDelivery, signPayload } from '@titan-webhooks/sdk';

const KEY = 'web-key-0123456789';
const URL = 'http://localhost/webhooks/titan';

const post = (body: BodyInit, headers: Record<string, string>) =>
  new Request(URL, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('createWebhookHandler answers like the middleware', () => {
  test('200 after the typed handler ran', async () => {
    const seen: string[] = [];
    const handle = createWebhookHandler({
      hmacKey: KEY,
      on: { 'session.status': (event) => void seen.push(event.payload.status) },
    });
    const d = await buildTestDelivery('session.status', undefined, { hmacKey: KEY });
    const res = await handle(post(d.body, d.headers));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(seen).toEqual([d.event.payload.status]);
  });

  test.each([
    ['415', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    ['401 missing', { 'x-webhook-signature': '' }, 401, 'missing_signature'],
    ['401 bad', { 'x-webhook-signature': `sha256=${'f'.repeat(64)}` }, 401, 'signature_mismatch'],
  ])('%s', async (_name, headers, status, code) => {
    const d = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const res = await createWebhookHandler({ hmacKey: KEY })(post(d.body, { ...d.headers, ...headers }));
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
  });

  test('400 for a signed body that is not an envelope; 500 when a handler throws', async () => {
    const body = '{"event":"message.received"}';
    const bad = await createWebhookHandler({ hmacKey: KEY })(
      post(body, { 'content-type': 'application/json', 'x-webhook-signature': await signPayload(body, KEY) }),
    );
    expect(bad.status).toBe(400);
    const d = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const failing = createWebhookHandler({
      hmacKey: KEY,
      onEvent: () => {
        throw new Error('boom');
      },
    });
    expect((await failing(post(d.body, d.headers))).status).toBe(500);
  });

  test('413 for an endless streamed body: it stops reading once over the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const res = await createWebhookHandler({ hmacKey: KEY, maxBodyBytes: 10 * 1024 })(
      post(endless, { 'content-type': 'application/json', 'x-webhook-signature': `sha256=${'a'.repeat(64)}` }),
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20);
  });

  test('a Request whose body was already read is 500 raw_body_unavailable, naming the fix', async () => {
    const handle = createWebhookHandler({ hmacKey: KEY, onEvent: () => undefined });
    const d = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const request = post(d.body, d.headers);
    await request.json();
    const res = await handle(request);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.code).toBe('raw_body_unavailable');
    expect(body.error).toMatch(/request\.clone\(\)/);
  });

  test('a toleranceSeconds that is not a number of seconds is refused at creation', () => {
    expect(() => createWebhookHandler({ hmacKey: KEY, toleranceSeconds: Number.NaN })).toThrow(TypeError);
    expect(() => createWebhookHandler({ hmacKey: KEY, toleranceSeconds: -1 })).toThrow(TypeError);
  });

  test('dedupe and the handler request argument', async () => {
    const requests: Request[] = [];
    const events: TitanEvent[] = [];
    const handle = createWebhookHandler({
      hmacKey: KEY,
      dedupe: true,
      onEvent: (event, request) => {
        events.push(event);
        requests.push(request);
      },
    });
    const d = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const first = post(d.body, d.headers);
    expect((await handle(first)).status).toBe(200);
    expect(await (await handle(post(d.body, d.headers))).json()).toEqual({ received: true, duplicate: true });
    expect(events).toEqual([d.event]);
    expect(requests).toEqual([first]);
  });
});
