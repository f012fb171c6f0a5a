import { gzipSync } from 'node:zlib';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
// HTTP conventions: auth, scopes, body handling, rate limits, health and contract.
import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import request from 'supertest';
import { call } from '../helpers/contract.js';

const URL = 'https://93.184.216.34/hook';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({
    port: 0,
    tokens: [
      'tok_full',
      { token: 'tok_readonly', scopes: ['webhooks:read'] },
      { token: 'tok_manage', scopes: ['webhooks:manage'] },
    ],
  });
});
afterAll(() => mock.close());

describe('error codes', () => {
  const cases: [string, () => Promise<request.Response>, number, string][] = [
    [
      'validation_error',
      () => call(mock.url, 'POST', '/api/webhooks', { token: 'tok_full', body: { url: 'nope' } }),
      400,
      'validation_error',
    ],
    [
      'invalid_json',
      () => call(mock.url, 'POST', '/api/webhooks', { token: 'tok_full', raw: '{"url": ' }),
      400,
      'invalid_json',
    ],
    ['unauthorized without a token', () => call(mock.url, 'GET', '/api/webhooks'), 401, 'unauthorized'],
    [
      'unauthorized with an unknown token',
      () => call(mock.url, 'GET', '/api/webhooks', { token: 'tok_nope' }),
      401,
      'unauthorized',
    ],
    [
      'unauthorized with another scheme',
      () => call(mock.url, 'GET', '/api/webhooks', { headers: { Authorization: 'Basic dG9rX2Z1bGw6' } }),
      401,
      'unauthorized',
    ],
    [
      'forbidden without webhooks:manage',
      () => call(mock.url, 'GET', '/api/webhooks', { token: 'tok_readonly' }),
      403,
      'forbidden',
    ],
    ['not_found', () => call(mock.url, 'GET', '/api/webhooks/424242', { token: 'tok_full' }), 404, 'not_found'],
    [
      'payload_too_large',
      () =>
        call(mock.url, 'POST', '/api/webhooks', {
          token: 'tok_full',
          raw: JSON.stringify({ url: URL, label: 'x'.repeat(1024 * 1024) }),
        }),
      413,
      'payload_too_large',
    ],
    [
      'unsupported_media_type',
      () =>
        call(mock.url, 'POST', '/api/webhooks', {
          token: 'tok_full',
          raw: 'url=https://x',
          contentType: 'application/x-www-form-urlencoded',
        }),
      415,
      'unsupported_media_type',
    ],
  ];
  test.each(cases)('%s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      error: expect.any(String),
      code,
      ...(res.body.details ? { details: expect.any(Array) } : {}),
    });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('auth and scopes', () => {
  test('the scheme is case-insensitive', async () => {
    expect(
      (await call(mock.url, 'GET', '/api/webhooks', { headers: { Authorization: 'bearer tok_full' } })).status,
    ).toBe(200);
  });

  test('webhooks:manage is enough, * too', async () => {
    expect((await call(mock.url, 'GET', '/api/webhooks', { token: 'tok_manage' })).status).toBe(200);
    expect((await call(mock.url, 'GET', '/api/webhooks', { token: 'tok_full' })).status).toBe(200);
  });

  test.each([
    ['POST', '/api/webhooks'],
    ['GET', '/api/webhooks/1'],
    ['PUT', '/api/webhooks/1'],
    ['DELETE', '/api/webhooks/1'],
  ] as const)('%s %s needs a token and the scope', async (method, path) => {
    expect((await call(mock.url, method, path, { body: {} })).status).toBe(401);
    expect((await call(mock.url, method, path, { token: 'tok_readonly', body: {} })).status).toBe(403);
  });

  test('the control API needs a token but no scope', async () => {
    expect((await call(mock.url, 'GET', '/_mock/deliveries')).status).toBe(401);
    expect((await call(mock.url, 'GET', '/_mock/deliveries', { token: 'tok_readonly' })).status).toBe(200);
  });
});

describe('bodies', () => {
  /** Bytes as they are, which may not be text. */
  const postBytes = (body: Buffer, contentType = 'application/json') =>
    fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': contentType },
      body: new Uint8Array(body),
    });

  test.each(['{', '{"url": "https://x",}', "{'url': 1}", 'nul', '{"a":1}}'])(
    'malformed JSON %j is invalid_json',
    async (raw) => {
      const res = await call(mock.url, 'POST', '/api/webhooks', { token: 'tok_full', raw });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_json');
    },
  );

  test.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'text/json; charset=utf-8'])(
    'content type %s is 415',
    async (contentType) => {
      const res = await call(mock.url, 'PUT', '/api/webhooks/1', { token: 'tok_full', raw: '{}', contentType });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('unsupported_media_type');
    },
  );

  test('application/json with parameters and +json types are accepted', async () => {
    const body = JSON.stringify({ url: URL });
    expect(
      (
        await call(mock.url, 'POST', '/api/webhooks', {
          token: 'tok_full',
          raw: body,
          contentType: 'application/json; charset=utf-8',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(mock.url, 'POST', '/api/webhooks', {
          token: 'tok_full',
          raw: body,
          contentType: 'application/merge-patch+json',
        })
      ).status,
    ).toBe(201);
  });

  test.each(['application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;charset="x"'])(
    'a charset parameter (%s) is ignored: JSON is read as UTF-8',
    async (contentType) => {
      const res = await postBytes(Buffer.from(JSON.stringify({ url: URL, label: 'café ☕' })), contentType);
      expect(res.status).toBe(201);
      expect((await res.json()).data.label).toBe('café ☕');
    },
  );

  test.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x98]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded as UTF-8', [0xed, 0xa0, 0x80]],
  ])('invalid UTF-8 (%s) is refused, not stored with replacement characters', async (_name, bytes) => {
    const raw = Buffer.concat([Buffer.from(`{"url":"${URL}","label":"a`), Buffer.from(bytes), Buffer.from('b"}')]);
    const res = await postBytes(raw);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'request body is not valid UTF-8', code: 'invalid_json' });
  });

  test('a UTF-8 byte order mark is skipped', async () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ url: URL }))]);
    expect((await postBytes(raw)).status).toBe(201);
  });

  describe('nesting', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    test.each([
      ['/_mock/events', (d: number) => `{"event":"message.received","payload":{"deep":${nested(d)}}}`],
      ['/api/webhooks', (d: number) => `{"url":"${URL}","label":${nested(d)}}`],
    ])('%s: thousands of levels are 400 invalid_json, not a crash', async (path, body) => {
      for (const depth of [4_500, 100_000]) {
        const res = await call(mock.url, 'POST', path as '/api/webhooks', { token: 'tok_full', raw: body(depth) });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          error: 'request body nests arrays and objects more than 64 levels deep',
          code: 'invalid_json',
        });
      }
    });

    test('64 levels are read (and validated); brackets inside strings do not count', async () => {
      // The body object is level 1, the label's arrays levels 2 to 64.
      const atLimit = await call(mock.url, 'POST', '/api/webhooks', {
        token: 'tok_full',
        raw: `{"url":"${URL}","label":${nested(63)}}`,
      });
      expect(atLimit.status).toBe(400);
      expect(atLimit.body.code).toBe('validation_error');
      const inString = await call(mock.url, 'POST', '/api/webhooks', {
        token: 'tok_full',
        raw: JSON.stringify({ url: URL, label: `"\\${'{['.repeat(40)}` }),
      });
      expect(inString.status).toBe(201);
    });
  });

  test('an empty body is no body, whether framed by Content-Length: 0 or chunked', async () => {
    const { id } = (await call(mock.url, 'POST', '/api/webhooks', { token: 'tok_full', body: { url: URL } })).body.data;
    const send = (framing: Record<string, string>, body?: BodyInit) =>
      fetch(`${mock.url}/api/webhooks/${id}`, {
        method: 'PUT',
        headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json', ...framing },
        body,
        duplex: 'half',
      } as RequestInit);
    const empty = new ReadableStream({ start: (controller) => controller.close() });
    const chunked = await send({}, empty);
    const zeroLength = await send({ 'content-length': '0' });
    expect([chunked.status, zeroLength.status]).toEqual([400, 400]);
    const expected = {
      error: 'request body is invalid',
      code: 'validation_error',
      details: [{ path: '', message: 'a JSON body is required' }],
    };
    expect(await chunked.json()).toEqual(expected);
    expect(await zeroLength.json()).toEqual(expected);
  });

  test('a body of exactly 1 MiB is read, one byte more is 413', async () => {
    const skeleton = JSON.stringify({ url: URL, label: '' });
    const fill = 'x'.repeat(1024 * 1024 - skeleton.length);
    const atLimit = await call(mock.url, 'POST', '/api/webhooks', {
      token: 'tok_full',
      raw: JSON.stringify({ url: URL, label: fill }),
    });
    expect(atLimit.status).toBe(400); // read and validated: the label is too long
    const over = await call(mock.url, 'POST', '/api/webhooks', {
      token: 'tok_full',
      raw: JSON.stringify({ url: URL, label: `${fill}x` }),
    });
    expect(over.status).toBe(413);
  });

  test('a huge chunked body is cut off at 1 MiB', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const res = await fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(Buffer.from('{"label":"'));
          for (let i = 0; i < 48; i++) controller.enqueue(chunk);
          controller.enqueue(Buffer.from('"}'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  test.each([
    ['gzip', Buffer.from('not gzip at all')],
    ['gzip', gzipSync(JSON.stringify({ url: URL })).subarray(0, 12)],
    ['deflate', Buffer.from('junk')],
    ['br', Buffer.from('junk')],
  ])('a body that does not inflate under Content-Encoding %s is 400 invalid_json', async (encoding, body) => {
    const res = await fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json', 'content-encoding': encoding },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'request body could not be read', code: 'invalid_json' });
  });

  test('a small gzip body that inflates past 1 MiB is 413', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new Uint8Array(bomb),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  test('an unknown Content-Encoding is 415', async () => {
    const res = await fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json', 'content-encoding': 'compress' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: 'content-encoding compress is not supported',
      code: 'unsupported_media_type',
    });
  });

  test('a body that does inflate under gzip is read', async () => {
    const res = await fetch(`${mock.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok_full', 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ url: URL })),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ data: { url: URL } });
  });

  test('__proto__ in a body is an unknown field, not a prototype', async () => {
    const res = await call(mock.url, 'POST', '/api/webhooks', {
      token: 'tok_full',
      raw: `{"url":"${URL}","__proto__":{"enabled":false}}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: '/__proto__', message: 'is not a known field' }]);
  });
});

describe('rate limit', () => {
  test('every /api response carries the headers, 401 and 404 included', async () => {
    for (const res of [
      await call(mock.url, 'GET', '/api/webhooks', { token: 'tok_full' }),
      await call(mock.url, 'GET', '/api/webhooks'),
      await call(mock.url, 'GET', '/api/webhooks/77777', { token: 'tok_full' }),
    ]) {
      expect(res.headers['x-ratelimit-limit']).toBe('600');
      expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(600);
    }
  });

  test('over the limit: 429 rate_limited with Retry-After; tokens have separate budgets', async () => {
    const limited = await startMockServer({ port: 0, tokens: ['t1', 't2'], rateLimit: { limit: 3, windowMs: 30_000 } });
    try {
      const remaining: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++)
        remaining.push(
          (await call(limited.url, 'GET', '/api/webhooks', { token: 't1' })).headers['x-ratelimit-remaining'],
        );
      expect(remaining).toEqual(['2', '1', '0']);
      const res = await call(limited.url, 'GET', '/api/webhooks', { token: 't1' });
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ error: 'rate limit exceeded', code: 'rate_limited' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
      expect((await call(limited.url, 'GET', '/api/webhooks', { token: 't2' })).status).toBe(200);
      // The control API stays open to a token over its /api budget, and carries no rate-limit headers.
      for (let i = 0; i < 5; i++) {
        const control = await call(limited.url, 'GET', '/_mock/deliveries', { token: 't1' });
        expect(control.status).toBe(200);
        expect(control.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await limited.close();
    }
  });

  test('the window resets', async () => {
    const limited = await startMockServer({ port: 0, rateLimit: { limit: 1, windowMs: 200 } });
    try {
      expect((await call(limited.url, 'GET', '/api/webhooks', { token: limited.token })).status).toBe(200);
      expect((await call(limited.url, 'GET', '/api/webhooks', { token: limited.token })).status).toBe(429);
      await new Promise((r) => setTimeout(r, 250));
      expect((await call(limited.url, 'GET', '/api/webhooks', { token: limited.token })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('server endpoints without a token', () => {
  test('GET /health', async () => {
    const res = await call(mock.url, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('GET /openapi.json serves the contract', async () => {
    const res = await call(mock.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(titanOpenApiDocument);
  });

  test.each(['/api/webhooks/%E0%A4%A', '/_mock/deliveries/%E0%A4%A'])(
    'a path that is not valid percent-encoding is 400: %s',
    async (path) => {
      const res = await request(mock.url).get(path).set('Authorization', 'Bearer tok_full');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
    },
  );

  test('unknown routes answer a JSON 404', async () => {
    const res = await request(mock.url).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    const method = await request(mock.url).patch('/api/webhooks/1').set('Authorization', 'Bearer tok_full');
    expect(method.status).toBe(404);
    expect(method.body.code).toBe('not_found');
  });
});
