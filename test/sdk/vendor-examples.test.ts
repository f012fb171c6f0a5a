/**
 * The JSON examples of Titan's own API page, kept as they are in test/fixtures/vendor: the contract
 * accepts them (responses without label, list items without headers or retries, fields it does not
 * know), and the SDK's client sends and reads them against a stub server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTitanClient, type WebhookCreate, type WebhookUpdate } from '@titan-webhooks/sdk';
import { assertContract, assertSchema } from '../helpers/contract.js';
import { sendJson, startTestServer, type TestServer } from '../helpers/http-server.js';

const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'vendor', `${name}.json`), 'utf8')) as T;

const createRequest = fixture<WebhookCreate>('create-request');
const updateRequest = fixture<WebhookUpdate>('update-request');
const createResponse = fixture<{ data: Record<string, unknown> }>('create-response');
const listResponse = fixture<{ data: Array<Record<string, unknown>> }>('list-response');
const deleteResponse = fixture('delete-response');
// The page shows no get example: a get answers the same object as a list item.
const getResponse = { data: listResponse.data[0] };

const RATE_LIMIT_HEADERS = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99' };

describe('the contract accepts the vendor examples', () => {
  test.each([
    ['POST', '/api/webhooks', 201, createResponse],
    ['GET', '/api/webhooks', 200, listResponse],
    ['GET', '/api/webhooks/42', 200, getResponse],
    ['DELETE', '/api/webhooks/42', 200, deleteResponse],
  ])('%s %s answering %d', (method, path, status, body) => {
    expect(() => assertContract(method, path, { status, body, headers: RATE_LIMIT_HEADERS })).not.toThrow();
  });

  test('the create and update request bodies', () => {
    expect(() => assertSchema('WebhookCreate', createRequest)).not.toThrow();
    expect(() => assertSchema('WebhookUpdate', updateRequest)).not.toThrow();
  });

  test('fields the contract does not know are ignored in responses', () => {
    const extended = { data: { ...listResponse.data[0], lastDeliveryAt: '2026-01-16T08:00:00Z' }, requestId: 'req_1' };
    expect(() =>
      assertContract('GET', '/api/webhooks/42', { status: 200, body: extended, headers: RATE_LIMIT_HEADERS }),
    ).not.toThrow();
  });

  test('what a webhook must have is still required', () => {
    const { url: _url, ...withoutUrl } = listResponse.data[0]!;
    expect(() =>
      assertContract('GET', '/api/webhooks/42', {
        status: 200,
        body: { data: withoutUrl },
        headers: RATE_LIMIT_HEADERS,
      }),
    ).toThrow(/url/);
  });
});

describe('the SDK client against a server answering the vendor examples', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer((req, res) => {
      const answers: Record<string, [number, unknown]> = {
        'POST /api/webhooks': [201, createResponse],
        'GET /api/webhooks': [200, listResponse],
        'GET /api/webhooks/42': [200, getResponse],
        'PUT /api/webhooks/42': [200, getResponse],
        'DELETE /api/webhooks/42': [200, deleteResponse],
      };
      const [status, body] = answers[`${req.method} ${req.url}`] ?? [404, { error: 'not found', code: 'not_found' }];
      sendJson(res, status, body, RATE_LIMIT_HEADERS);
    });
  });
  afterEach(() => server.close());

  const client = () => createTitanClient({ baseUrl: server.url, token: 'titan_test' });

  test('create sends the example body and returns the example webhook with its key', async () => {
    const created = await client().webhooks.create(createRequest);
    expect(created).toEqual(createResponse.data);
    expect(created.hmacKey).toBe('your-secret-signing-key');
    expect(created.label).toBeUndefined();
    expect(JSON.parse(server.requests[0]!.body)).toEqual(createRequest);
  });

  test('list and get return webhooks without label, headers or retries', async () => {
    const [listed] = await client().webhooks.list();
    expect(listed).toEqual(listResponse.data[0]);
    expect(listed?.headers).toBeUndefined();
    expect(listed?.retries).toBeUndefined();
    expect(await client().webhooks.get(42)).toEqual(listResponse.data[0]);
  });

  test('update sends the example body; delete returns the example result', async () => {
    await client().webhooks.update(42, updateRequest);
    expect(JSON.parse(server.requests[0]!.body)).toEqual(updateRequest);
    expect(await client().webhooks.delete(42)).toEqual({ success: true, message: 'webhook deleted' });
  });
});
