// Requests with bad or hostile framing, written byte by byte on raw sockets: every answer is the API's
// JSON error, and the server closes the connection instead of reading what it will not use.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { answerClientError } from '../../mock-server/src/api/client-error.js';
import { rawExchange } from '../helpers/raw-http.js';

const TOKEN = 'tok_framing';
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, tokens: [TOKEN] });
});
afterAll(() => mock.close());

const head = (lines: string[]) => `${[...lines, '', ''].join('\r\n')}`;
const post = (path: string, headers: string[]) =>
  head([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${TOKEN}`, ...headers]);

describe('a body over 1 MiB', () => {
  test('declared by Content-Length is refused before it is read, and the connection closed', async () => {
    // 200 MiB announced, 64 KiB sent: an answer at all proves the server did not wait for the rest.
    const request = Buffer.concat([
      Buffer.from(post('/api/webhooks', ['Content-Type: application/json', `Content-Length: ${200 * 1024 * 1024}`])),
      Buffer.alloc(64 * 1024, 'x'),
    ]);
    const res = await rawExchange(mock.url, request);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({
      error: 'request body is larger than 1048576 bytes',
      code: 'payload_too_large',
    });
  });

  test('sent chunked is refused at the first byte past the limit, without waiting for its end', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    // Five chunks (1.25 MiB) and no terminating zero-size chunk: the body never ends.
    const request = Buffer.concat([
      Buffer.from(post('/_mock/events', ['Content-Type: application/json', 'Transfer-Encoding: chunked'])),
      ...Array(5).fill(framed),
    ]);
    const res = await rawExchange(mock.url, request);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body).code).toBe('payload_too_large');
  });

  test('a body on a GET is not read: answered, then the connection closed', async () => {
    const request = head([
      'GET /api/webhooks HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${TOKEN}`,
      `Content-Length: ${200 * 1024 * 1024}`,
    ]);
    const res = await rawExchange(mock.url, request);
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ data: [] });
  });

  test('an error answered before the body arrived closes the connection too', async () => {
    const request = post('/api/webhooks', ['Content-Type: text/plain', 'Content-Length: 5000000']);
    const res = await rawExchange(mock.url, request);
    expect(res.status).toBe(415);
    expect(res.headers.connection).toBe('close');
  });
});

describe('Expect: 100-continue', () => {
  test('a body the server will refuse is never asked for: no 100, the final answer at once', async () => {
    const tooLarge = post('/api/webhooks', [
      'Content-Type: application/json',
      'Expect: 100-continue',
      `Content-Length: ${200 * 1024 * 1024}`,
    ]);
    const res = await rawExchange(mock.url, tooLarge);
    expect(res.status).toBe(413);
    const wrongToken = head([
      'POST /api/webhooks HTTP/1.1',
      'Host: x',
      'Authorization: Bearer nope',
      'Content-Type: application/json',
      'Expect: 100-continue',
      'Content-Length: 20',
    ]);
    const unauthorized = await rawExchange(mock.url, wrongToken);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.connection).toBe('close');
  });

  test('a body the server will read gets its 100 Continue first', async () => {
    const body = JSON.stringify({ url: 'https://93.184.216.34/hook' });
    const headers = post('/api/webhooks', [
      'Content-Type: application/json',
      'Expect: 100-continue',
      `Content-Length: ${body.length}`,
      'Connection: close',
    ]);
    // The body goes out only once the server has answered something: the 100.
    const res = await rawExchange(mock.url, [headers, body]);
    expect(res.status).toBe(100);
    expect(res.raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 Created\r\n/);
  });
});

describe('requests the HTTP parser refuses get a JSON error', () => {
  test.each([
    [
      'both Content-Length and Transfer-Encoding',
      post('/api/webhooks', ['Content-Length: 2', 'Transfer-Encoding: chunked']),
    ],
    [
      'a chunk size that is not hexadecimal',
      `${post('/_mock/events', ['Content-Type: application/json', 'Transfer-Encoding: chunked'])}zz\r\n{}\r\n0\r\n\r\n`,
    ],
    ['a malformed request line', 'GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\n'],
    ['not HTTP at all', 'hello\r\n\r\n'],
    ['a header without a colon', head(['GET /health HTTP/1.1', 'Host: x', 'NoColonHere'])],
    ['two Content-Length headers that disagree', post('/api/webhooks', ['Content-Length: 2', 'Content-Length: 3'])],
  ])('%s: 400 validation_error', async (_name, request) => {
    const res = await rawExchange(mock.url, request);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({
      error: expect.stringMatching(/^the request is malformed: \S/),
      code: 'validation_error',
    });
  });

  test('headers over 16 KiB: 431 payload_too_large', async () => {
    const res = await rawExchange(mock.url, head(['GET /health HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`]));
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({ error: 'request headers are too large', code: 'payload_too_large' });
  });

  test('a refused request after a good one on the same connection', async () => {
    const good = head(['GET /health HTTP/1.1', 'Host: x']);
    const res = await rawExchange(mock.url, [good, 'GET / HTTP/1.1 junk\r\n\r\n']);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"status":"ok"}');
    expect(res.raw).toMatch(
      /\r\n\r\n\{"status":"ok"\}HTTP\/1\.1 400 Bad Request\r\n[\s\S]*"code":"validation_error"\}$/,
    );
  });
});

describe('a request that does not arrive in time', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // The mock server allows 30 s; the same handler on a server with a short limit shows the answer.
    server = createServer({ requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 }, (_req, res) =>
      res.end(),
    );
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('408 request_timeout for headers that stop half way', async () => {
    const res = await rawExchange(url, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(res.status).toBe(408);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ error: 'the request was not received in time', code: 'request_timeout' });
  });
});
