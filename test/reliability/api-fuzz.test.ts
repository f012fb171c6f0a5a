// The API under arbitrary input: never a 500, always the error body, and the process stays up.

import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import fc from 'fast-check';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, logLevel: 'silent', rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
});
afterAll(() => mock?.close());

const ERROR_CODES = [
  'validation_error',
  'invalid_json',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
];

async function expectWellFormed(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    const body = JSON.parse(text);
    expect(typeof body.error).toBe('string');
    expect(ERROR_CODES).toContain(body.code);
  }
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const webhookLike = fc.record(
  {
    url: fc.oneof(fc.webUrl(), fc.string(), jsonValue),
    events: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom('message.received', '*', 'session.status'), fc.string())),
      jsonValue,
    ),
    session: fc.oneof(fc.string(), fc.constant(null), jsonValue),
    label: fc.oneof(fc.string(), fc.constant(null)),
    hmacKey: fc.oneof(fc.string({ minLength: 0, maxLength: 600 }), jsonValue),
    enabled: fc.oneof(fc.boolean(), jsonValue),
    headers: fc.oneof(fc.array(fc.record({ name: fc.string(), value: fc.string() })), jsonValue),
    retries: fc.oneof(
      fc.record({ attempts: fc.integer(), delaySeconds: fc.double(), policy: fc.string() }, { requiredKeys: [] }),
      jsonValue,
    ),
  },
  { requiredKeys: [] },
);

test('POST and PUT with arbitrary JSON bodies answer 2xx or the error body, never 500', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(webhookLike, jsonValue),
      fc.constantFrom('POST /api/webhooks', 'PUT /api/webhooks/1'),
      async (body, route) => {
        const [method, path] = route.split(' ') as [string, string];
        const response = await fetch(mock.url + path, {
          method,
          headers: { authorization: `Bearer ${mock.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await expectWellFormed(response);
      },
    ),
    { numRuns: 300 },
  );
});

test('arbitrary raw bodies, content types, ids and tokens never produce a 500', async () => {
  const header = fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s));
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 300 }),
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/merge-patch+json',
          'text/plain',
          'application/json; charset=utf-16',
        ),
        header,
      ),
      fc.oneof(
        fc.integer().map(String),
        fc.string({ maxLength: 20 }).map(encodeURIComponent),
        fc.constantFrom('0', '-1', '1e3', '9007199254740993', '%00'),
      ),
      fc.oneof(fc.constant(mock.token), header),
      fc.constantFrom('GET', 'PUT', 'DELETE', 'POST'),
      async (raw, contentType, id, token, method) => {
        const path = method === 'POST' ? '/api/webhooks' : `/api/webhooks/${id}`;
        const response = await fetch(mock.url + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          body: method === 'GET' || method === 'DELETE' ? undefined : raw,
        });
        await expectWellFormed(response);
      },
    ),
    { numRuns: 300 },
  );
});

test('the control API under arbitrary emit bodies never answers 500', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          event: fc.oneof(fc.constantFrom('message.received', 'command.result', 'nope'), fc.string()),
          session: fc.oneof(fc.string(), jsonValue),
          payload: jsonValue,
        },
        { requiredKeys: [] },
      ),
      async (body) => {
        const response = await fetch(`${mock.url}/_mock/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${mock.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await expectWellFormed(response);
      },
    ),
    { numRuns: 200 },
  );
  expect((await fetch(`${mock.url}/health`)).status).toBe(200);
});
