// The request journal (GET /_mock/requests) over real HTTP, with both stores: what an app sent to
// /api, redacted keys, filters, pages, the per-account bound, reset, and a restart on a data file.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient, TitanNetworkError } from '@titan-webhooks/sdk';
import { createMockControl, type RecordedRequest } from '@titan-webhooks/sdk/mock';
import request from 'supertest';
import { call } from '../helpers/contract.js';
import { STORE_KINDS, tempDataFile } from '../helpers/delivery-engine.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const URL_A = 'https://93.184.216.34/hooks/a';
const KEY = 'a-secret-of-16+-chars';
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// Far above what these tests send: the rate limit has its own test below.
const NO_RATE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

/** One page of the journal, checked against the contract. */
async function journalPage(url: string, token: string, query = '') {
  const res = await call(url, 'GET', `/_mock/requests${query}`, { token });
  expect(res.status).toBe(200);
  return res.body as { data: RecordedRequest[]; nextCursor: string | null };
}

async function sendGet(url: string, token: string, query: string): Promise<void> {
  const res = await fetch(`${url}/api/webhooks?${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** `count` GETs of /api/webhooks?n=<i>, one after the other, so they are recorded in that order. */
async function sendGets(url: string, token: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await sendGet(url, token, `n=${i}`);
}

/** `count` GETs of /api/webhooks?batch=<batch>, 20 at a time: fills a journal quickly, in no set order. */
async function sendBatch(url: string, token: string, count: number, batch: string): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      await sendGet(url, token, `batch=${batch}`);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
}

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServerWith(kind, {
      tokens: ['tok_alice', 'tok_bob', { token: 'tok_readonly', scopes: [] }],
      rateLimit: NO_RATE_LIMIT,
    });
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    for (const token of mock.tokens) await call(mock.url, 'POST', '/_mock/reset', { token });
  });

  const alice = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: 'tok_alice', body });
  const journal = (query = '', token = 'tok_alice') => journalPage(mock.url, token, query);

  test('the webhook an app created through the SDK is in the journal as sent, its key redacted', async () => {
    const titan = createTitanClient({ baseUrl: mock.url, token: 'tok_alice', retry: false });
    const sent = {
      url: URL_A,
      events: ['message.received' as const],
      hmacKey: KEY,
      label: 'orders',
      headers: [{ name: 'X-App', value: 'shop' }],
    };
    const created = await titan.webhooks.create(sent);

    const page = await journal();
    expect(page).toEqual({
      data: [
        {
          id: expect.stringMatching(/^req_\d+$/),
          method: 'POST',
          path: '/api/webhooks',
          query: {},
          status: 201,
          body: { ...sent, hmacKey: '[redacted]' },
          receivedAt: expect.stringMatching(ISO_DATE),
          durationMs: expect.any(Number),
        },
      ],
      nextCursor: null,
    });
    expect(Date.now() - Date.parse(page.data[0]!.receivedAt)).toBeLessThan(60_000);
    expect(created.hmacKey).toBe(KEY);
    // The handle and the SDK's mock client read the same journal.
    expect(await mock.requests()).toEqual(page.data);
    expect(await createMockControl({ baseUrl: mock.url, token: 'tok_alice' }).requests()).toEqual(page.data);
  });

  test('every hmacKey value is redacted at any depth, in PUT bodies and refused bodies too; a null key is kept', async () => {
    const { id } = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data;
    await alice('PUT', `/api/webhooks/${id}`, { hmacKey: 'another-secret-of-16+' });
    await alice('PUT', `/api/webhooks/${id}`, { hmacKey: null });
    const nested = { label: 'x', extra: { hmacKey: 'deep-secret-1', list: [{ hmacKey: { also: 'deep-secret-2' } }] } };
    expect((await alice('PUT', `/api/webhooks/${id}`, nested)).status).toBe(400);

    const raw = await request(mock.url).get('/_mock/requests').set('Authorization', 'Bearer tok_alice');
    for (const secret of ['another-secret-of-16+', 'deep-secret-1', 'deep-secret-2'])
      expect(raw.text).not.toContain(secret);
    expect((await journal('?method=PUT')).data.map((r) => [r.status, r.body])).toEqual([
      [200, { hmacKey: '[redacted]' }],
      [200, { hmacKey: null }],
      [400, { label: 'x', extra: { hmacKey: '[redacted]', list: [{ hmacKey: '[redacted]' }] } }],
    ]);
  });

  test('each entry is there as soon as its call returned, with no body for bodiless requests and the query as an object', async () => {
    for (let i = 0; i < 20; i++) {
      const target = `/api/webhooks?n=${i}&tag=a&tag=b&empty=`;
      // A fresh connection each time: the journal read cannot ride behind the call on the same socket.
      const res = await fetch(`${mock.url}${target}`, {
        headers: { authorization: 'Bearer tok_alice', connection: 'close' },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      const last = (await journal()).data.at(-1);
      expect(last).toMatchObject({
        method: 'GET',
        path: '/api/webhooks',
        query: { n: String(i), tag: ['a', 'b'], empty: '' },
        status: 200,
        body: null,
      });
      expect((await journal()).data).toHaveLength(i + 1);
    }
  });

  test('method and path filter, the path exact or with * for one segment', async () => {
    const { id } = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data;
    await alice('GET', '/api/webhooks');
    await alice('GET', `/api/webhooks/${id}`);
    await alice('PUT', `/api/webhooks/${id}`, { label: 'l' });
    await alice('DELETE', `/api/webhooks/${id}`);
    const summary = async (query: string) => (await journal(query)).data.map((r) => `${r.method} ${r.path}`);

    expect(await summary('?method=GET')).toEqual(['GET /api/webhooks', `GET /api/webhooks/${id}`]);
    expect(await summary('?path=/api/webhooks')).toEqual(['POST /api/webhooks', 'GET /api/webhooks']);
    expect(await summary('?path=/api/webhooks/*')).toEqual([
      `GET /api/webhooks/${id}`,
      `PUT /api/webhooks/${id}`,
      `DELETE /api/webhooks/${id}`,
    ]);
    expect(await summary('?path=/api/*/*&method=DELETE')).toEqual([`DELETE /api/webhooks/${id}`]);
    expect(await summary(`?path=/api/webhooks/${id + 1}`)).toEqual([]);
    expect((await mock.requests({ method: 'PUT', path: '/api/webhooks/*' })).map((r) => r.body)).toEqual([
      { label: 'l' },
    ]);
  });

  test('pages follow the cursor, oldest first, with the filter kept', async () => {
    await sendGets(mock.url, 'tok_alice', 5);
    await alice('POST', '/api/webhooks', { url: URL_A });
    const control = createMockControl({ baseUrl: mock.url, token: 'tok_alice' });

    const first = await journal('?method=GET&limit=2');
    expect(first.data.map((r) => r.query)).toEqual([{ n: '0' }, { n: '1' }]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await journal(`?method=GET&limit=2&cursor=${first.nextCursor}`);
    expect(second.data.map((r) => r.query)).toEqual([{ n: '2' }, { n: '3' }]);
    const last = await control.requestsPage({ method: 'GET', limit: 2, cursor: second.nextCursor! });
    expect(last.data.map((r) => r.query)).toEqual([{ n: '4' }]);
    expect(last.nextCursor).toBeNull();

    const all = await journal();
    expect(all.data).toHaveLength(6);
    const ids = all.data.map((r) => Number(r.id.slice('req_'.length)));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(6);
  });

  test.each([
    ['a limit of 0', '?limit=0', '/limit'],
    ['a limit over 1000', '?limit=1001', '/limit'],
    ['a cursor it never gave', '?cursor=bm9wZQ', '/cursor'],
    ['a method the API does not have', '?method=PATCH', '/method'],
    ['a path outside /api', '?path=/_mock/requests', '/path'],
    ['a partial wildcard', '?path=/api/web*', '/path'],
    ['an unknown parameter', '?webhookId=1', '/webhookId'],
  ])('%s: 400 validation_error naming the parameter', async (_name, query, path) => {
    const res = await call(mock.url, 'GET', `/_mock/requests${query}`, { token: 'tok_alice' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.details).toContainEqual({ path, message: expect.any(String) });
  });

  test('requests refused for their token are not recorded; every other answer is, with its status', async () => {
    await request(mock.url).get('/api/webhooks');
    await request(mock.url).get('/api/webhooks').set('Authorization', 'Bearer tok_unknown');
    await request(mock.url).get('/api/webhooks').set('Authorization', 'Bearer tok_readonly');
    await request(mock.url)
      .post('/api/webhooks')
      .set('Authorization', 'Bearer tok_alice')
      .set('Content-Type', 'application/json')
      .send('{"url": ');
    await request(mock.url).get('/api/nothing-here').set('Authorization', 'Bearer tok_alice');
    await request(mock.url).get('/_mock/deliveries').set('Authorization', 'Bearer tok_alice');

    expect((await journal()).data.map((r) => [r.method, r.path, r.status, r.body])).toEqual([
      ['POST', '/api/webhooks', 400, null],
      ['GET', '/api/nothing-here', 404, null],
    ]);
    expect((await journal('', 'tok_readonly')).data.map((r) => r.status)).toEqual([403]);
  });

  test("another account's requests are neither listed nor counted", async () => {
    await sendGets(mock.url, 'tok_bob', 3);
    await alice('GET', '/api/webhooks');
    expect((await journal()).data).toHaveLength(1);
    expect((await journal('', 'tok_bob')).data.map((r) => r.query.n)).toEqual(['0', '1', '2']);
  });

  test('reset forgets the account’s requests, and only its own', async () => {
    await sendGets(mock.url, 'tok_alice', 2);
    await sendGets(mock.url, 'tok_bob', 2);
    await mock.reset();
    expect(await mock.requests()).toEqual([]);
    expect((await journal('', 'tok_bob')).data).toHaveLength(2);
    await alice('GET', '/api/webhooks');
    expect((await mock.requests()).map((r) => r.path)).toEqual(['/api/webhooks']);
  });

  test('the latest 1000 requests of an account are kept, the oldest forgotten', async () => {
    await sendBatch(mock.url, 'tok_alice', 1000, 'first');
    await sendGets(mock.url, 'tok_bob', 1);
    const full = await mock.requests();
    expect(full).toHaveLength(1000);
    await sendGets(mock.url, 'tok_alice', 5);
    const kept = await mock.requests();
    expect(kept).toEqual([...full.slice(5), ...kept.slice(995)]);
    expect(kept.slice(995).map((r) => r.query)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n: String(n) })));
    expect((await journal('?limit=1000')).nextCursor).toBeNull();
    expect((await journal('', 'tok_bob')).data).toHaveLength(1);
  });
});

describe('answers that do not come from the API itself', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, tokens: ['tok_alice'], rateLimit: { limit: 3, windowMs: 60_000 } });
  });
  afterAll(() => mock.close());

  test('injected faults and the rate limit are recorded with their status; a dropped connection with null', async () => {
    const titan = createTitanClient({ baseUrl: mock.url, token: 'tok_alice', retry: false });
    await mock.faults.create({ method: 'GET', status: 503, count: 1 });
    await mock.faults.create({ method: 'GET', drop: true, count: 1 });
    await expect(titan.webhooks.list()).rejects.toMatchObject({ status: 503 });
    await expect(titan.webhooks.list()).rejects.toBeInstanceOf(TitanNetworkError);
    await titan.webhooks.list();
    await expect(titan.webhooks.list()).rejects.toMatchObject({ status: 429 });
    expect((await mock.requests()).map((r) => r.status)).toEqual([503, null, 200, 429]);
  });
});

describe('with a data file', () => {
  let data: ReturnType<typeof tempDataFile>;
  let mock: MockServer | undefined;
  beforeEach(() => {
    data = tempDataFile();
  });
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
    data.remove();
  });
  const start = async () => {
    mock = await startMockServer({
      port: 0,
      dataFile: data.file,
      tokens: ['tok_alice', 'tok_bob'],
      rateLimit: NO_RATE_LIMIT,
    });
    return mock;
  };

  test('the journal survives a restart, keeps its bound, and ids continue', async () => {
    await start();
    await call(mock!.url, 'POST', '/api/webhooks', { token: 'tok_alice', body: { url: URL_A, hmacKey: KEY } });
    await sendBatch(mock!.url, 'tok_alice', 1000, 'first');
    await sendGets(mock!.url, 'tok_bob', 2);
    const before = await mock!.requests();
    const bobs = (await journalPage(mock!.url, 'tok_bob')).data;
    expect(before).toHaveLength(1000);
    expect(before[0]!.query).toEqual({ batch: 'first' });
    await mock!.close();

    await start();
    expect(await mock!.requests()).toEqual(before);
    expect((await journalPage(mock!.url, 'tok_bob')).data).toEqual(bobs);
    await sendGets(mock!.url, 'tok_alice', 1);
    const after = await mock!.requests();
    expect(after).toHaveLength(1000);
    expect(after[0]).toEqual(before[1]);
    const id = (r: RecordedRequest) => Number(r.id.slice('req_'.length));
    expect(id(after.at(-1)!)).toBeGreaterThan(Math.max(...[...before, ...bobs].map(id)));
  });

  test('a reset is kept across a restart', async () => {
    await start();
    await sendGets(mock!.url, 'tok_alice', 3);
    await mock!.reset();
    await mock!.close();
    await start();
    expect(await mock!.requests()).toEqual([]);
  });
});
