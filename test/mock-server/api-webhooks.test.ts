// The /api/webhooks operations over real HTTP: CRUD, accounts, ids, partial updates, hmacKey exposure.
import type { MockServer } from '@titan-webhooks/mock-server';
import { call } from '../helpers/contract.js';
import { STORE_KINDS } from '../helpers/delivery-engine.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const URL_A = 'https://93.184.216.34/hooks/a';
const URL_B = 'https://93.184.216.34/hooks/b';
const KEY = 'a-secret-of-16+-chars';

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServerWith(kind, { tokens: ['tok_alice', 'tok_bob'] });
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_alice' });
    await call(mock.url, 'POST', '/_mock/reset', { token: 'tok_bob' });
  });

  const alice = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: 'tok_alice', body });
  const bob = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: 'tok_bob', body });

  describe('create', () => {
    test('answers 201 with the default retries, events and enabled, and hmacKey', async () => {
      const res = await alice('POST', '/api/webhooks', { url: URL_A });
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({
        id: expect.any(Number),
        url: URL_A,
        events: [],
        session: null,
        label: null,
        enabled: true,
        hmacKey: null,
        headers: [],
        retries: { attempts: 3, delaySeconds: 5, policy: 'exponential' },
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(res.body.data.id).toBeGreaterThanOrEqual(1);
    });

    test('keeps every field given, completes a partial retries object and removes duplicate events in order', async () => {
      const res = await alice('POST', '/api/webhooks', {
        url: URL_A,
        events: ['session.status', 'message.received', 'session.status'],
        session: 'sales-1',
        label: 'My Webhook',
        hmacKey: KEY,
        enabled: false,
        headers: [{ name: 'X-App-ID', value: 'my-app' }],
        retries: { attempts: 5 },
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        events: ['session.status', 'message.received'],
        session: 'sales-1',
        label: 'My Webhook',
        hmacKey: KEY,
        enabled: false,
        headers: [{ name: 'X-App-ID', value: 'my-app' }],
        retries: { attempts: 5, delaySeconds: 5, policy: 'exponential' },
      });
    });

    test('["*"] is kept as given', async () => {
      expect((await alice('POST', '/api/webhooks', { url: URL_A, events: ['*'] })).body.data.events).toEqual(['*']);
    });

    test('ids are positive integers that grow across accounts', async () => {
      const first = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data.id;
      const second = (await bob('POST', '/api/webhooks', { url: URL_A })).body.data.id;
      const third = (await alice('POST', '/api/webhooks', { url: URL_B })).body.data.id;
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
    });
  });

  describe('hmacKey is only in the create response', () => {
    test('list, get and update never show it', async () => {
      const { id } = (await alice('POST', '/api/webhooks', { url: URL_A, hmacKey: KEY })).body.data;
      const responses = [
        await alice('GET', '/api/webhooks'),
        await alice('GET', `/api/webhooks/${id}`),
        await alice('PUT', `/api/webhooks/${id}`, { hmacKey: 'another-secret-key-1234' }),
      ];
      for (const res of responses) expect(res.text).not.toContain('hmacKey');
    });
  });

  describe('list and get', () => {
    test('list shows the account’s webhooks oldest first, and only its own', async () => {
      const a1 = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data.id;
      await bob('POST', '/api/webhooks', { url: URL_A });
      const a2 = (await alice('POST', '/api/webhooks', { url: URL_B })).body.data.id;
      const res = await alice('GET', '/api/webhooks');
      expect(res.status).toBe(200);
      expect(res.body.data.map((w: { id: number }) => w.id)).toEqual([a1, a2]);
    });

    test('get returns the webhook', async () => {
      const created = (await alice('POST', '/api/webhooks', { url: URL_A, hmacKey: KEY })).body.data;
      const { hmacKey: _key, ...expected } = created;
      const res = await alice('GET', `/api/webhooks/${created.id}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(expected);
    });
  });

  describe('update changes only the fields present', () => {
    let id: number;
    let created: Record<string, unknown>;
    beforeEach(async () => {
      created = (
        await alice('POST', '/api/webhooks', {
          url: URL_A,
          events: ['message.received'],
          session: 'default',
          label: 'first',
          hmacKey: KEY,
          headers: [
            { name: 'X-One', value: '1' },
            { name: 'X-Two', value: '2' },
          ],
          retries: { attempts: 2, delaySeconds: 10, policy: 'linear' },
        })
      ).body.data;
      id = created.id as number;
    });

    test('an empty body changes nothing', async () => {
      const { hmacKey: _key, ...expected } = created;
      expect((await alice('PUT', `/api/webhooks/${id}`, {})).body.data).toEqual(expected);
    });

    test.each([
      ['url', { url: URL_B }, { url: URL_B }],
      ['events', { events: ['chat.read', 'chat.read', 'call.missed'] }, { events: ['chat.read', 'call.missed'] }],
      ['session null clears the filter', { session: null }, { session: null }],
      ['label null clears the label', { label: null }, { label: null }],
      ['enabled', { enabled: false }, { enabled: false }],
      [
        'headers replace the whole list',
        { headers: [{ name: 'X-Three', value: '3' }] },
        { headers: [{ name: 'X-Three', value: '3' }] },
      ],
      ['headers [] removes them', { headers: [] }, { headers: [] }],
      [
        'partial retries complete from the current values',
        { retries: { attempts: 7 } },
        { retries: { attempts: 7, delaySeconds: 10, policy: 'linear' } },
      ],
      [
        'retries policy alone',
        { retries: { policy: 'constant' } },
        { retries: { attempts: 2, delaySeconds: 10, policy: 'constant' } },
      ],
    ])('%s', async (_name, body, changed) => {
      const { hmacKey: _key, ...before } = created;
      const res = await alice('PUT', `/api/webhooks/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ ...before, ...changed });
      expect((await alice('GET', `/api/webhooks/${id}`)).body.data).toEqual({ ...before, ...changed });
    });

    test('hmacKey null and a new hmacKey are accepted without echoing the key', async () => {
      expect((await alice('PUT', `/api/webhooks/${id}`, { hmacKey: null })).status).toBe(200);
      expect((await alice('PUT', `/api/webhooks/${id}`, { hmacKey: 'a-brand-new-key-0001' })).status).toBe(200);
    });
  });

  describe('delete', () => {
    test('answers the documented body, then the webhook is gone', async () => {
      const { id } = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data;
      const res = await alice('DELETE', `/api/webhooks/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { success: true, message: 'webhook deleted' } });
      expect((await alice('GET', `/api/webhooks/${id}`)).status).toBe(404);
      expect((await alice('DELETE', `/api/webhooks/${id}`)).status).toBe(404);
      expect((await alice('GET', '/api/webhooks')).body.data).toEqual([]);
    });
  });

  describe('another account’s webhook answers 404', () => {
    test.each([
      ['GET', undefined],
      ['PUT', { enabled: false }],
      ['DELETE', undefined],
    ] as const)('%s', async (method, body) => {
      const { id } = (await alice('POST', '/api/webhooks', { url: URL_A })).body.data;
      const res = await bob(method, `/api/webhooks/${id}`, body);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'webhook not found', code: 'not_found' });
      expect((await alice('GET', `/api/webhooks/${id}`)).body.data.enabled).toBe(true);
    });
  });

  describe('ids', () => {
    test.each(['0', '-1', 'abc', '1.5', '1e3', '01', '9007199254740992', '99999999999999999999999', '%20', '0x10'])(
      '%s is a 400 validation_error on get, update and delete',
      async (id) => {
        for (const [method, body] of [['GET'], ['PUT', {}], ['DELETE']] as const) {
          const res = await alice(method, `/api/webhooks/${id}`, body);
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('validation_error');
          expect(res.body.details[0].path).toBe('/id');
        }
      },
    );

    test('an unknown id is 404', async () => {
      expect((await alice('GET', '/api/webhooks/9007199254740991')).status).toBe(404);
    });
  });
});
