// Every validation rule of a webhook over real HTTP: 400 validation_error with details naming the field.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { call } from '../helpers/contract.js';

const URL = 'https://93.184.216.34/hook';
const KEY = 'a-secret-of-16+-chars';

let mock: MockServer;
let privateMock: MockServer;
beforeAll(async () => {
  [mock, privateMock] = await Promise.all([
    startMockServer({ port: 0 }),
    startMockServer({ port: 0, allowPrivateUrls: true }),
  ]);
});
afterAll(() => Promise.all([mock.close(), privateMock.close()]));

const create = (body: unknown, server = mock) =>
  call(server.url, 'POST', '/api/webhooks', { token: server.token, body });
const header = (name: string, value = 'v') => ({ name, value });

/** [name, body fields besides url, path of the expected detail]. */
const invalid: [string, Record<string, unknown>, string][] = [
  ['url missing', { url: undefined }, '/url'],
  ['url not a string', { url: 42 }, '/url'],
  ['url http', { url: 'http://93.184.216.34/hook' }, '/url'],
  ['url not a URL', { url: 'https://exa mple.com' }, '/url'],
  ['url over 2048 characters', { url: `https://93.184.216.34/${'a'.repeat(2048)}` }, '/url'],
  ['url with credentials', { url: 'https://user:pass@93.184.216.34/hook' }, '/url'],
  ['url loopback', { url: 'https://127.0.0.1/hook' }, '/url'],
  ['url loopback as a decimal number', { url: 'https://2130706433/hook' }, '/url'],
  ['url private', { url: 'https://10.0.0.1/hook' }, '/url'],
  ['url link-local metadata', { url: 'https://169.254.169.254/latest' }, '/url'],
  ['url IPv6 loopback', { url: 'https://[::1]/hook' }, '/url'],
  ['url IPv4-mapped private', { url: 'https://[::ffff:192.168.1.1]/hook' }, '/url'],
  ['url localhost', { url: 'https://localhost/hook' }, '/url'],
  ['url *.internal', { url: 'https://metadata.google.internal/hook' }, '/url'],
  ['url single label', { url: 'https://intranet/hook' }, '/url'],
  ['url *.internal with two trailing dots', { url: 'https://metadata.google.internal../hook' }, '/url'],
  ['url *.localhost with trailing dots', { url: 'https://foo.localhost.../hook' }, '/url'],
  ['url loopback with two trailing dots', { url: 'https://127.0.0.1../hook' }, '/url'],
  ['url host with an empty label', { url: 'https://a..example.com/hook' }, '/url'],
  ['url host starting with a dot', { url: 'https://.example.com/hook' }, '/url'],
  ['url host of dots only', { url: 'https://.../hook' }, '/url'],
  ['url port 0', { url: 'https://93.184.216.34:0/hook' }, '/url'],
  ['url port 00', { url: 'https://93.184.216.34:00/hook' }, '/url'],
  [
    'url within 2048 characters as sent but not once escaped',
    { url: `https://93.184.216.34/a${' '.repeat(1000)}b` },
    '/url',
  ],
  ['events not an array', { events: 'message.received' }, '/events'],
  ['events unknown name', { events: ['message.received', 'message.nope'] }, '/events/1'],
  ['events "*" with others', { events: ['*', 'message.received'] }, '/events'],
  ['events not strings', { events: [1] }, '/events/0'],
  ['session with a space', { session: 'my session' }, '/session'],
  ['session starting with a dot', { session: '.hidden' }, '/session'],
  ['session over 64 characters', { session: 'a'.repeat(65) }, '/session'],
  ['session not a string', { session: 5 }, '/session'],
  ['label over 100 characters', { label: 'x'.repeat(101) }, '/label'],
  ['hmacKey under 16 characters', { hmacKey: 'short' }, '/hmacKey'],
  ['hmacKey over 512 characters', { hmacKey: 'k'.repeat(513) }, '/hmacKey'],
  ['hmacKey null on create', { hmacKey: null }, '/hmacKey'],
  ['enabled not a boolean', { enabled: 'yes' }, '/enabled'],
  ['headers over 10', { headers: Array.from({ length: 11 }, (_, i) => header(`X-H${i}`)) }, '/headers'],
  ['header name not a token', { headers: [header('X Bad')] }, '/headers/0/name'],
  ['header name with a colon', { headers: [header('X-Bad:')] }, '/headers/0/name'],
  ['header name empty', { headers: [header('')] }, '/headers/0/name'],
  ['header name over 64 characters', { headers: [header('X'.repeat(65))] }, '/headers/0/name'],
  ['header value with CR LF (injection)', { headers: [header('X-App', 'ok\r\nX-Injected: 1')] }, '/headers/0/value'],
  [
    'header value with another control character, which HTTP cannot carry',
    { headers: [header('X-App', 'a\u0001b')] },
    '/headers/0/value',
  ],
  ['header value with DEL', { headers: [header('X-App', 'a\u007fb')] }, '/headers/0/value'],
  ['header value beyond Latin-1', { headers: [header('X-App', 'a€b')] }, '/headers/0/value'],
  ['events null', { events: null }, '/events'],
  ['header value with LF', { headers: [header('X-App', 'a\nb')] }, '/headers/0/value'],
  ['header value with NUL', { headers: [header('X-App', 'a\u0000b')] }, '/headers/0/value'],
  ['header value over 1024 characters', { headers: [header('X-App', 'v'.repeat(1025))] }, '/headers/0/value'],
  ['header without value', { headers: [{ name: 'X-App' }] }, '/headers/0/value'],
  ['header with an unknown field', { headers: [{ name: 'X-App', value: 'v', extra: 1 }] }, '/headers/0/extra'],
  ['duplicate header names ignoring case', { headers: [header('X-App'), header('x-app')] }, '/headers/1/name'],
  ['retries.attempts over 15', { retries: { attempts: 16 } }, '/retries/attempts'],
  ['retries.attempts negative', { retries: { attempts: -1 } }, '/retries/attempts'],
  ['retries.attempts not an integer', { retries: { attempts: 1.5 } }, '/retries/attempts'],
  ['retries.delaySeconds 0', { retries: { delaySeconds: 0 } }, '/retries/delaySeconds'],
  ['retries.delaySeconds over 3600', { retries: { delaySeconds: 3601 } }, '/retries/delaySeconds'],
  ['retries.policy unknown', { retries: { policy: 'fibonacci' } }, '/retries/policy'],
  ['retries unknown field', { retries: { jitter: true } }, '/retries/jitter'],
  ['unknown top-level field', { secret: 'x' }, '/secret'],
  ['id may not be chosen', { id: 7 }, '/id'],
  ['createdAt may not be given', { createdAt: '2026-01-01T00:00:00Z' }, '/createdAt'],
];

const reserved = [
  'content-type',
  'Content-Length',
  'HOST',
  'user-agent',
  'Transfer-Encoding',
  'connection',
  'X-Webhook-Signature',
  'x-webhook-event',
  'X-WEBHOOK-ANYTHING',
  // About the connection, not the request: they would make every delivery fail or mean nothing.
  'Expect',
  'Upgrade',
  'Keep-Alive',
  'TE',
  'Trailer',
  'Proxy-Connection',
  'proxy-authorization',
  // The body is sent as is, never compressed.
  'Content-Encoding',
];

describe('create rejects', () => {
  test.each(invalid)('%s', async (_name, fields, path) => {
    const res = await create({ url: URL, ...fields });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.details).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
  });

  test.each(reserved)('the reserved header name %s', async (name) => {
    const res = await create({ url: URL, headers: [header(name)] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: '/headers/0/name', message: expect.any(String) }]);
  });

  test('a body that is not an object', async () => {
    for (const body of [[], 'text', 42, null]) {
      const res = await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, raw: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
    }
  });

  test('no body at all', async () => {
    const res = await call(mock.url, 'POST', '/api/webhooks', { token: mock.token });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
  });

  test('lists every problem at once', async () => {
    const res = await create({
      url: 'http://x',
      events: ['nope'],
      retries: { attempts: 99, delaySeconds: 0 },
      color: 'red',
    });
    expect([...new Set(res.body.details.map((d: { path: string }) => d.path))].sort()).toEqual(
      ['/color', '/events/0', '/retries/attempts', '/retries/delaySeconds', '/url'].sort(),
    );
  });

  test('pattern failures are explained in words, not as regular expressions', async () => {
    const res = await create({
      url: 'http://93.184.216.34/hook',
      session: 'my session',
      headers: [header('Host'), header('X-App', 'a\r\nX-Injected: 1')],
    });
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: '/url', message: expect.stringMatching(/^must be an https URL/) },
        {
          path: '/session',
          message: "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit or must be null",
        },
        { path: '/headers/0/name', message: expect.stringMatching(/^must be an HTTP header name other than .*host/) },
        {
          path: '/headers/1/value',
          message: 'must be printable ASCII or Latin-1 text (no CR, LF, NUL or other control characters)',
        },
      ]),
    );
  });

  test('events: null gets one detail, not a spurious "* must stand alone"', async () => {
    const res = await create({ url: URL, events: null });
    expect(res.body.details).toEqual([{ path: '/events', message: 'must be array' }]);
  });

  test('thousands of problems list the first 100 details, and say so', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`field${i}`, i]));
    const res = await create({ url: URL, ...unknown });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('request body is invalid (only the first 100 problems are listed)');
    expect(res.body.details).toHaveLength(100);
    expect(res.body.details[0]).toEqual({ path: '/field0', message: 'is not a known field' });
  });

  test('an unknown-field detail names the field', async () => {
    const res = await create({ url: URL, hmac_key: KEY });
    expect(res.body.details).toEqual([{ path: '/hmac_key', message: 'is not a known field' }]);
  });
});

describe('create accepts the edges of every rule', () => {
  test.each<[string, Record<string, unknown>]>([
    [
      'url of exactly 2048 characters',
      { url: `https://93.184.216.34/${'a'.repeat(2048 - 'https://93.184.216.34/'.length)}` },
    ],
    ['upper-case scheme', { url: 'HTTPS://93.184.216.34/hook' }],
    ['session of 64 characters', { session: 'a'.repeat(64) }],
    ['an internationalised host name', { url: 'https://bücher.example/hook' }],
    ['a URL with characters the WHATWG parser escapes', { url: 'https://93.184.216.34/a|b?q={x}' }],
    ['a header value with a tab and Latin-1', { headers: [header('X-App', 'café\tau lait')] }],
    ['33 copies of one event, one after duplicates are removed', { events: Array(33).fill('message.received') }],
    ['session with dots, dashes and underscores', { session: 'a.b-c_d' }],
    ['session null', { session: null }],
    ['label of 100 characters', { label: 'x'.repeat(100) }],
    ['label null', { label: null }],
    ['hmacKey of 16 and of 512 characters', { hmacKey: 'k'.repeat(16) }],
    ['hmacKey of 512 characters', { hmacKey: 'k'.repeat(512) }],
    ['10 headers', { headers: Array.from({ length: 10 }, (_, i) => header(`X-H${i}`)) }],
    ['a header value of 1024 characters with tabs', { headers: [header('X-App', `a\tb${'v'.repeat(1021)}`)] }],
    [
      'header names that only look reserved',
      {
        headers: [
          header('X-Webhooks'),
          header('Hostname'),
          header('Content-Types'),
          header('TE-X'),
          header('Trailers'),
          header('Expected'),
        ],
      },
    ],
    ['header names that are Object.prototype properties', { headers: [header('constructor'), header('__proto__')] }],
    ['url with a port', { url: 'https://93.184.216.34:8443/hook' }],
    ['retries at their bounds', { retries: { attempts: 15, delaySeconds: 3600, policy: 'constant' } }],
    ['retries.attempts 0', { retries: { attempts: 0, delaySeconds: 1 } }],
    ['every event name', { events: ['message.received', 'command.result', 'session.logged_out'] }],
    ['an empty events list', { events: [] }],
  ])('%s', async (_name, fields) => {
    const res = await create({ url: URL, ...fields });
    expect(res.status).toBe(201);
  });
});

describe('urls are stored and shown as the WHATWG parser writes them', () => {
  test.each([
    // A backslash is a slash to the WHATWG parser: the host is 93.184.216.34, whatever other parsers read.
    ['https://93.184.216.34\\@127.0.0.1/', 'https://93.184.216.34/@127.0.0.1/'],
    ['HTTPS://93.184.216.34:443/a b/../c?q={x}#f', 'https://93.184.216.34/c?q={x}#f'],
    ['https://0x5d.0xb8.0xd8.0x22/hook', 'https://93.184.216.34/hook'],
    ['https://[0:0:0:0:0:FFFF:93.184.216.34]/hook', 'https://[::ffff:5db8:d822]/hook'],
  ])('%s is stored as %s, at create and at update', async (sent, stored) => {
    const created = await create({ url: sent });
    expect(created.status).toBe(201);
    expect(created.body.data.url).toBe(stored);
    const { id } = created.body.data;
    expect((await call(mock.url, 'GET', `/api/webhooks/${id}`, { token: mock.token })).body.data.url).toBe(stored);
    await call(mock.url, 'PUT', `/api/webhooks/${id}`, { token: mock.token, body: { url: URL } });
    const updated = await call(mock.url, 'PUT', `/api/webhooks/${id}`, { token: mock.token, body: { url: sent } });
    expect(updated.body.data.url).toBe(stored);
    expect((await call(mock.url, 'GET', '/api/webhooks', { token: mock.token })).body.data).toContainEqual(
      expect.objectContaining({ id, url: stored }),
    );
  });
});

describe('update', () => {
  test.each(invalid.filter(([name]) => !['url missing', 'hmacKey null on create'].includes(name)))(
    'rejects %s',
    async (_name, fields, path) => {
      const { id } = (await create({ url: URL })).body.data;
      const res = await call(mock.url, 'PUT', `/api/webhooks/${id}`, { token: mock.token, body: fields });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
      const after = await call(mock.url, 'GET', `/api/webhooks/${id}`, { token: mock.token });
      expect(after.body.data.url).toBe(URL);
    },
  );
});

describe('allowPrivateUrls', () => {
  test.each([
    'http://127.0.0.1:3000/hook',
    'http://localhost:3000/titan',
    'https://10.0.0.1/hook',
    'http://my-laptop/hook',
  ])('accepts %s', async (url) => {
    expect((await create({ url }, privateMock)).status).toBe(201);
  });

  test.each(['ftp://127.0.0.1/hook', 'http://user:pw@127.0.0.1/hook', 'not a url'])('still rejects %s', async (url) => {
    const res = await create({ url }, privateMock);
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('/url');
  });

  test('the other rules are unchanged', async () => {
    const res = await create({ url: 'http://127.0.0.1/x', headers: [header('Host')] }, privateMock);
    expect(res.body.details).toEqual([{ path: '/headers/0/name', message: expect.any(String) }]);
  });
});
