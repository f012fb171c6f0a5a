import { createTitanClient, TitanApiError, TitanNetworkError, type WebhookWithKey } from '@titan-webhooks/sdk';
import { sendJson, startTestServer, type TestServer } from '../helpers/http-server.js';

const webhook: WebhookWithKey = {
  id: 42,
  url: 'https://your-server.com/webhook',
  events: ['message.received'],
  session: 'default',
  label: null,
  enabled: true,
  hmacKey: 'your-secret-signing-key',
  headers: [{ name: 'X-App-ID', value: 'my-app' }],
  retries: { attempts: 3, delaySeconds: 5, policy: 'exponential' },
  createdAt: '2026-01-15T10:00:00Z',
};
const { hmacKey: _key, ...stored } = webhook;

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const client = (extra: Partial<Parameters<typeof createTitanClient>[0]> = {}) =>
  createTitanClient({ baseUrl: `${server.url}/`, token: 'titan_test', retry: { baseDelayMs: 1 }, ...extra });

describe('webhooks methods', () => {
  test('create POSTs the body with the bearer token and returns data with hmacKey', async () => {
    server.handle((_req, res) => sendJson(res, 201, { data: webhook }));
    const created = await client().webhooks.create({
      url: webhook.url,
      events: ['message.received'],
      hmacKey: webhook.hmacKey!,
    });
    expect(created).toEqual(webhook);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/api/webhooks' });
    expect(req!.headers.authorization).toBe('Bearer titan_test');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({ url: webhook.url, events: ['message.received'], hmacKey: webhook.hmacKey });
  });

  test('list, get, update and delete hit the right routes', async () => {
    server.handle((req, res) => {
      if (req.method === 'GET' && req.url === '/api/webhooks') return sendJson(res, 200, { data: [stored] });
      if (req.method === 'GET') return sendJson(res, 200, { data: stored });
      if (req.method === 'PUT') return sendJson(res, 200, { data: { ...stored, enabled: false } });
      return sendJson(res, 200, { data: { success: true, message: 'webhook deleted' } });
    });
    const api = client().webhooks;
    expect(await api.list()).toEqual([stored]);
    expect(await api.get(42)).toEqual(stored);
    expect(await api.update(42, { enabled: false })).toEqual({ ...stored, enabled: false });
    expect(await api.delete(42)).toEqual({ success: true, message: 'webhook deleted' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/webhooks',
      'GET /api/webhooks/42',
      'PUT /api/webhooks/42',
      'DELETE /api/webhooks/42',
    ]);
    expect(JSON.parse(server.requests[2]!.body)).toEqual({ enabled: false });
  });
});

describe('errors', () => {
  test('an error body becomes TitanApiError with status, code, message and details', async () => {
    const body = {
      error: 'request body is invalid',
      code: 'validation_error',
      details: [{ path: '/url', message: 'must be https' }],
    };
    server.handle((_req, res) => sendJson(res, 400, body));
    const error = await client()
      .webhooks.create({ url: 'http://x.example' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_error',
      message: 'request body is invalid: /url: must be https',
      details: body.details,
      body,
    });
  });

  test.each([
    ['an empty body', '', 'http_500', 'HTTP 500'],
    ['a text body', 'Bad Gateway', 'http_500', 'HTTP 500: Bad Gateway'],
    ['JSON that is not an error body', '{"message":"nope"}', 'http_500', 'HTTP 500'],
  ])('a 500 with %s still throws TitanApiError', async (_name, text, code, message) => {
    server.handle((_req, res) => {
      res.statusCode = 500;
      res.end(text);
    });
    const error = await client({ retry: false })
      .webhooks.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 500, code, message, details: [] });
  });

  test('404 from another account is a TitanApiError with code not_found', async () => {
    server.handle((_req, res) => sendJson(res, 404, { error: 'webhook not found', code: 'not_found' }));
    await expect(client().webhooks.get(7)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  test('a 2xx body that is not JSON or has no data throws TitanApiError with the real status and body', async () => {
    server.handle((_req, res) => sendJson(res, 200, { webhooks: [] }));
    await expect(client().webhooks.list()).rejects.toMatchObject({ status: 200, body: { webhooks: [] } });
    server.handle((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{not json');
    });
    const error = await client()
      .webhooks.create({ url: webhook.url })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 201, code: 'http_201', body: '{not json' });
  });
});

describe('retries, timeouts and abort', () => {
  test('an idempotent call waits for Retry-After on 503, then succeeds', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 503, { error: 'busy', code: 'internal_error' }, { 'retry-after': '1' });
      sendJson(res, 200, { data: [] });
    });
    const started = Date.now();
    expect(await client().webhooks.list()).toEqual([]);
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  test('429 is retried for GET but never for POST', async () => {
    server.handle((_req, res) =>
      sendJson(res, 429, { error: 'rate limit exceeded', code: 'rate_limited' }, { 'retry-after': '0' }),
    );
    await expect(client().webhooks.create({ url: webhook.url })).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
    expect(server.requests).toHaveLength(1);
    await expect(client({ retry: { retries: 3, baseDelayMs: 1 } }).webhooks.list()).rejects.toMatchObject({
      status: 429,
    });
    expect(server.requests).toHaveLength(1 + 4);
  });

  test('a Retry-After beyond maxRetryAfterMs is returned at once instead of waited for', async () => {
    server.handle((_req, res) =>
      sendJson(res, 429, { error: 'slow down', code: 'rate_limited' }, { 'retry-after': '3600' }),
    );
    await expect(client().webhooks.list()).rejects.toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(1);
  });

  test('a dropped connection is retried for idempotent calls', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls += 1;
      if (calls === 1) return res.socket!.destroy();
      sendJson(res, 200, { data: stored });
    });
    expect(await client().webhooks.get(42)).toEqual(stored);
    expect(calls).toBe(2);
  });

  test('a dropped connection on create surfaces as TitanNetworkError', async () => {
    server.handle((_req, res) => res.socket!.destroy());
    const error = await client()
      .webhooks.create({ url: webhook.url })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanNetworkError);
    expect(error).toMatchObject({ timedOut: false });
  });

  test('timeoutMs ends a hanging request with TitanNetworkError', async () => {
    server.handle(() => undefined);
    const error = await client({ timeoutMs: 200, retry: false })
      .webhooks.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanNetworkError);
    expect(error).toMatchObject({ timedOut: true });
    expect((error as Error).message).toMatch(/timed out after 200 ms/);
  });

  test('any 5xx is retried for idempotent calls, 501 included', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 501, { error: 'not implemented', code: 'internal_error' });
      sendJson(res, 200, { data: { success: true, message: 'webhook deleted' } });
    });
    expect(await client().webhooks.delete(42)).toEqual({ success: true, message: 'webhook deleted' });
    expect(calls).toBe(2);
  });

  test('timeoutMs also bounds a body that stalls after the headers', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data": [');
    });
    const started = Date.now();
    const error = await client({ timeoutMs: 300, retry: false })
      .webhooks.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanNetworkError);
    expect(error).toMatchObject({ timedOut: true });
    // Bounded by timeoutMs: without it the stalled body would hold the request until the test times out.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('an already aborted signal sends nothing and rejects with its reason', async () => {
    server.handle((_req, res) => sendJson(res, 200, { data: stored }));
    const controller = new AbortController();
    controller.abort(new Error('cancelled before it started'));
    await expect(client().webhooks.get(42, { signal: controller.signal })).rejects.toThrow(
      'cancelled before it started',
    );
    expect(server.requests).toHaveLength(0);
  });

  test('an AbortSignal cancels the request and its retries', async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const pending = client().webhooks.list({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    await expect(pending).rejects.toThrow('user gave up');
    expect(server.requests).toHaveLength(1);
  });
});
