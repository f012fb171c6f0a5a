// Injected API faults over real HTTP: the /_mock/faults routes, how faults act on /api requests, and
// how the SDK's client copes with them.

import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient, TitanApiError, TitanNetworkError } from '@titan-webhooks/sdk';
import { type ApiFault, createMockControl } from '@titan-webhooks/sdk/mock';
import request from 'supertest';
import { call } from '../helpers/contract.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({
    port: 0,
    tokens: ['tok_a', 'tok_b', { token: 'tok_readonly', scopes: [] }],
    allowPrivateUrls: true,
  });
});
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.reset();
  await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_b' });
  await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_readonly' });
});

/** Creates a fault through the control API, checking the answer against the contract. */
async function inject(body: Record<string, unknown>, token = 'tok_a'): Promise<ApiFault> {
  const res = await call(mock.url, 'POST', '/_mock/faults', { token, body });
  expect(res.status).toBe(201);
  return res.body.data;
}

const listFaults = async (token = 'tok_a'): Promise<ApiFault[]> =>
  (await call(mock.url, 'GET', '/_mock/faults', { token })).body.data;

/** A request to /api without the contract check: injected answers are not part of Titan's contract. */
function api(method: 'get' | 'post' | 'put' | 'delete', path: string, token: string | null = 'tok_a') {
  const req = request(mock.url)[method](path);
  return token === null ? req : req.set('Authorization', `Bearer ${token}`);
}

const createWebhook = async (token = 'tok_a') =>
  (await call(mock.url, 'POST', '/api/webhooks', { token, body: { url: 'http://127.0.0.1:9/hook' } })).body.data as {
    id: number;
  };

describe('POST /_mock/faults', () => {
  test('answers 201 with the fault as given, its id and its uses left', async () => {
    const body = { method: 'GET', path: '/api/webhooks/*', status: 503, retryAfterSeconds: 2, delayMs: 10, count: 3 };
    const fault = await inject(body);
    expect(fault).toEqual({ ...body, id: expect.stringMatching(/^flt_[0-9a-f]{32}$/), remaining: 3 });
    expect(await listFaults()).toEqual([fault]);
  });

  test.each([
    ['no count', { status: 500 }, '/count', 'is required'],
    ['count 0', { status: 500, count: 0 }, '/count', 'must be >= 1'],
    ['count over 1000', { status: 500, count: 1001 }, '/count', 'must be <= 1000'],
    ['nothing to do', { count: 1 }, '', 'at least one of status, drop and delayMs'],
    ['a status that is not a failure', { status: 404, count: 1 }, '/status', 'must be one of 408, 429'],
    ['a status past 599', { status: 600, count: 1 }, '/status', 'must be <= 599'],
    ['status and drop together', { status: 500, drop: true, count: 1 }, '', 'not both'],
    ['drop false', { drop: false, count: 1 }, '/drop', 'must be true'],
    ['Retry-After without a status', { delayMs: 5, retryAfterSeconds: 1, count: 1 }, '', 'retryAfterSeconds'],
    ['a delay over 30 s', { delayMs: 30_001, count: 1 }, '/delayMs', 'must be <= 30000'],
    ['a method the API does not have', { method: 'PATCH', status: 500, count: 1 }, '/method', 'must be one of'],
    ['a path outside /api', { path: '/_mock/events', status: 500, count: 1 }, '/path', 'must be a path under /api'],
    ['a partial wildcard', { path: '/api/web*', status: 500, count: 1 }, '/path', 'must be a path under /api'],
    ['an unknown field', { status: 500, count: 1, times: 2 }, '/times', 'is not a known field'],
  ])('%s: 400 validation_error naming the problem', async (_name, body, path, message) => {
    const res = await call(mock.url, 'POST', '/_mock/faults', { token: 'tok_a', body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.details).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(await listFaults()).toEqual([]);
  });

  test('an account keeps at most 100 faults: the oldest used-up one makes room, active ones never do', async () => {
    const faults = [];
    for (let i = 0; i < 100; i++) faults.push(await inject({ status: 500, count: 1 }));
    const full = await call(mock.url, 'POST', '/_mock/faults', { token: 'tok_a', body: { status: 500, count: 1 } });
    expect(full.status).toBe(400);
    expect(full.body.details[0].message).toContain('100 active faults');
    expect((await api('get', '/api/webhooks')).status).toBe(500);
    const added = await inject({ status: 502, count: 1 });
    const listed = await listFaults();
    expect(listed).toHaveLength(100);
    expect(listed[0]!.id).toBe(faults[1]!.id);
    expect(listed.at(-1)).toEqual(added);
  });

  test('no body: 400; no token: 401', async () => {
    expect((await call(mock.url, 'POST', '/_mock/faults', { token: 'tok_a' })).status).toBe(400);
    expect((await call(mock.url, 'POST', '/_mock/faults', { body: { status: 500, count: 1 } })).status).toBe(401);
  });
});

describe('faults acting on /api', () => {
  test('match by method and by path, where * is one whole segment; the query is ignored', async () => {
    const { id } = await createWebhook();
    await inject({ method: 'GET', path: '/api/webhooks/*', status: 500, count: 5 });
    expect((await api('get', '/api/webhooks')).status).toBe(200);
    expect((await api('put', `/api/webhooks/${id}`).send({ label: 'x' })).status).toBe(200);
    expect((await api('get', `/api/webhooks/${id}/extra`)).status).toBe(404);
    const hit = await api('get', `/api/webhooks/${id}?fields=all`);
    expect(hit.status).toBe(500);
    expect(hit.body).toEqual({ error: expect.stringContaining('injected fault'), code: 'injected_fault' });
    // Even an id that does not exist: the fault answers before the route looks.
    expect((await api('get', '/api/webhooks/999/')).body.code).toBe('injected_fault');
    expect((await listFaults())[0]!.remaining).toBe(3);
  });

  test('a fault without method or path matches every /api request', async () => {
    await inject({ status: 502, count: 2 });
    expect((await api('post', '/api/webhooks').send({ url: 'http://127.0.0.1:9/a' })).status).toBe(502);
    expect((await api('get', '/api/nowhere')).status).toBe(502);
    expect((await api('get', '/api/nowhere')).status).toBe(404);
    expect(await listFaults()).toEqual([expect.objectContaining({ remaining: 0 })]);
  });

  test('is used up after count requests, and faults apply in the order they were created', async () => {
    const first = await inject({ path: '/api/webhooks', status: 502, count: 2 });
    const second = await inject({ path: '/api/webhooks', status: 503, retryAfterSeconds: 7, count: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api('get', '/api/webhooks')).status);
    expect(statuses).toEqual([502, 502, 503, 200]);
    expect(await listFaults()).toEqual([
      { ...first, remaining: 0 },
      { ...second, remaining: 0 },
    ]);
  });

  test('an injected answer carries Retry-After when asked, and the rate limit headers', async () => {
    await inject({ status: 429, retryAfterSeconds: 3, count: 1 });
    await inject({ status: 500, count: 1 });
    const limited = await api('get', '/api/webhooks');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.headers['x-ratelimit-limit']).toMatch(/^\d+$/);
    expect(limited.body.code).toBe('injected_fault');
    const failed = await api('get', '/api/webhooks');
    expect(failed.status).toBe(500);
    expect(failed.headers['retry-after']).toBeUndefined();
  });

  test("belong to one account: another account's requests are untouched and cannot see or delete them", async () => {
    const fault = await inject({ status: 500, count: 1 });
    expect((await api('get', '/api/webhooks', 'tok_b')).status).toBe(200);
    expect(await listFaults('tok_b')).toEqual([]);
    const res = await call(mock.url, 'DELETE', `/_mock/faults/${fault.id}`, { token: 'tok_b' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await api('get', '/api/webhooks')).status).toBe(500);
  });

  test('delayMs alone slows the request, which is then handled normally', async () => {
    await inject({ method: 'GET', delayMs: 300, count: 1 });
    const started = performance.now();
    const res = await api('get', '/api/webhooks');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [] });
    // A lower bound only: the request cannot be answered before its delay is over.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('delayMs with a status waits, then fails', async () => {
    await inject({ delayMs: 200, status: 504, count: 1 });
    const started = performance.now();
    expect((await api('get', '/api/webhooks')).status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('drop closes the connection with no answer, even after a delay', async () => {
    await inject({ drop: true, count: 1 });
    await inject({ drop: true, delayMs: 100, count: 1 });
    await expect(api('get', '/api/webhooks')).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(api('post', '/api/webhooks').send({ url: 'http://127.0.0.1:9/a' })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect((await api('get', '/api/webhooks')).status).toBe(200);
  });

  test('a missing token still gets 401 and a missing scope 403, neither using up the fault', async () => {
    await inject({ status: 500, count: 1 });
    await inject({ status: 500, count: 1 }, 'tok_readonly');
    expect((await api('get', '/api/webhooks', null)).status).toBe(401);
    expect((await api('get', '/api/webhooks', 'not-a-token')).status).toBe(401);
    const forbidden = await api('get', '/api/webhooks', 'tok_readonly');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('forbidden');
    expect((await listFaults())[0]!.remaining).toBe(1);
    expect((await listFaults('tok_readonly'))[0]!.remaining).toBe(1);
  });

  test('a body the API cannot read is refused before any fault', async () => {
    await inject({ status: 500, count: 1 });
    const res = await api('post', '/api/webhooks').set('Content-Type', 'application/json').send('{not json');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
    expect((await listFaults())[0]!.remaining).toBe(1);
  });

  test('the control API is never faulted', async () => {
    await inject({ status: 500, count: 5 });
    expect((await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_a' })).status).toBe(200);
    expect((await listFaults())[0]!.remaining).toBe(5);
  });
});

test('a request over the rate limit gets 429 rate_limited and leaves the fault', async () => {
  const limited = await startMockServer({ port: 0, tokens: ['tok'], rateLimit: { limit: 1, windowMs: 60_000 } });
  try {
    expect((await request(limited.url).get('/api/webhooks').set('Authorization', 'Bearer tok')).status).toBe(200);
    await limited.faults.create({ status: 500, count: 1 });
    const res = await request(limited.url).get('/api/webhooks').set('Authorization', 'Bearer tok');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate_limited');
    expect(await limited.faults.list()).toEqual([expect.objectContaining({ remaining: 1 })]);
  } finally {
    await limited.close();
  }
});

describe('DELETE /_mock/faults/{id} and reset', () => {
  test('DELETE removes one fault; later requests no longer match it', async () => {
    const removed = await inject({ status: 500, count: 1 });
    const kept = await inject({ status: 503, count: 1 });
    const res = await call(mock.url, 'DELETE', `/_mock/faults/${removed.id}`, { token: 'tok_a' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { success: true } });
    expect(await listFaults()).toEqual([kept]);
    expect((await api('get', '/api/webhooks')).status).toBe(503);
    expect((await call(mock.url, 'DELETE', `/_mock/faults/${removed.id}`, { token: 'tok_a' })).status).toBe(404);
    expect((await call(mock.url, 'DELETE', '/_mock/faults/flt_unknown', { token: 'tok_a' })).status).toBe(404);
  });

  test("reset removes the account's faults, and only that account's", async () => {
    await inject({ status: 500, count: 3 });
    await inject({ status: 500, count: 3 }, 'tok_b');
    await mock.reset();
    expect(await listFaults()).toEqual([]);
    expect((await api('get', '/api/webhooks')).status).toBe(200);
    expect(await listFaults('tok_b')).toHaveLength(1);
  });
});

describe('the typed clients', () => {
  const titan = (retry?: { baseDelayMs: number }) =>
    createTitanClient({ baseUrl: mock.url, token: mock.token, ...(retry ? { retry } : {}) });

  test("startMockServer's handle creates, lists and deletes faults", async () => {
    const fault = await mock.faults.create({ method: 'DELETE', status: 500, count: 2 });
    expect(fault).toMatchObject({ method: 'DELETE', status: 500, count: 2, remaining: 2 });
    expect(await mock.faults.list()).toEqual([fault]);
    await mock.faults.delete(fault.id);
    expect(await mock.faults.list()).toEqual([]);
    await expect(mock.faults.delete(fault.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  test('the mock client refuses an invalid fault with TitanApiError 400', async () => {
    const control = createMockControl({ baseUrl: mock.url, token: 'tok_b' });
    await expect(control.faults.create({ status: 500, count: 0 })).rejects.toMatchObject({
      status: 400,
      code: 'validation_error',
    });
  });

  test('the SDK retries an injected 503 after its Retry-After and then succeeds', async () => {
    await createWebhook();
    await mock.faults.create({ method: 'GET', path: '/api/webhooks', status: 503, retryAfterSeconds: 1, count: 1 });
    const started = performance.now();
    const webhooks = await titan({ baseDelayMs: 1 }).webhooks.list();
    expect(webhooks).toHaveLength(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(await mock.faults.list()).toEqual([expect.objectContaining({ remaining: 0 })]);
  });

  test('the SDK gives up after its retries on a run of 500s', async () => {
    await mock.faults.create({ method: 'GET', status: 500, count: 10 });
    const error = await titan({ baseDelayMs: 1 })
      .webhooks.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 500, code: 'injected_fault' });
    // The first try and the default two retries.
    expect(await mock.faults.list()).toEqual([expect.objectContaining({ remaining: 7 })]);
  });

  test('a create is not retried: an injected 503 surfaces as TitanApiError', async () => {
    await mock.faults.create({ method: 'POST', path: '/api/webhooks', status: 503, retryAfterSeconds: 1, count: 2 });
    const error = await titan({ baseDelayMs: 1 })
      .webhooks.create({ url: 'http://127.0.0.1:9/hook' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 503, code: 'injected_fault' });
    expect(await mock.faults.list()).toEqual([expect.objectContaining({ remaining: 1 })]);
    expect(await titan().webhooks.list()).toEqual([]);
  });

  test('a dropped connection surfaces as TitanNetworkError', async () => {
    await mock.faults.create({ method: 'POST', drop: true, count: 1 });
    const error = await titan()
      .webhooks.create({ url: 'http://127.0.0.1:9/hook' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanNetworkError);
    expect(error).toMatchObject({ timedOut: false });
  });
});
