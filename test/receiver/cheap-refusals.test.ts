/**
 * Refusals that cost the receiver next to nothing: an unsigned or badly signed delivery is answered
 * 401 from its headers, before any body is read, and a body that does not arrive within bodyTimeoutMs
 * is answered 408 and its connection closed.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createWebhookHandler, type ReceiverOptions, titanWebhooks } from '@titan-webhooks/receiver';
import { buildTestDelivery } from '@titan-webhooks/sdk';
import express5 from 'express';
import { bundleApp, firstLine } from './store-backends.js';

// Express 4 is installed as the alias package express4 and has no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express5;

const KEY = 'cheap-refusals-key-0123456789';
const WELL_FORMED = `sha256=${'ab'.repeat(32)}`;

interface RawAnswer {
  /** The answer's status, or 0 when the connection was reset before one could be read. */
  status: number;
  body: string;
  /** Body bytes the client had written when the server closed the connection. */
  bytesSent: number;
}

/**
 * A POST that declares `declaredLength` body bytes but sends one every `intervalMs`, as a slow or
 * hostile client would; resolves once the server has answered and closed the connection.
 */
function trickle(port: number, headers: Record<string, string>, declaredLength: number, intervalMs: number) {
  return new Promise<RawAnswer>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let bytesSent = 0;
    const head = Object.entries({ ...headers, 'content-length': String(declaredLength) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}\r\n`);
    const timer = setInterval(() => {
      if (bytesSent < declaredLength && socket.writable) {
        bytesSent++;
        socket.write(' ');
      }
    }, intervalMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      // 0: reset before any answer arrived. A server that answers early and closes while the client is still
      // sending makes the kernel reset the connection, which can discard the answer unread.
      resolve({
        status: status ? Number(status[1]) : 0,
        body: received.slice(received.indexOf('\r\n\r\n') + 4),
        bytesSent,
      });
    });
  });
}

async function listening(server: Server): Promise<number> {
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('titanWebhooks on %s', (_name, express) => {
  let server: Server;
  const handler = jest.fn();
  async function start(options: Partial<ReceiverOptions<IncomingMessage>> = {}): Promise<number> {
    const app = express();
    app.post('/', titanWebhooks({ hmacKey: KEY, onEvent: handler, ...options }));
    server = app.listen(0, '127.0.0.1');
    return listening(server);
  }
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test.each([
    ['missing', undefined, 'missing_signature'],
    ['malformed', 'sha256=not-hex', 'invalid_signature_format'],
  ])(
    'a %s X-Webhook-Signature is 401 before the body is read, and the connection closes',
    async (_kind, signature, code) => {
      const port = await start();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signature !== undefined) headers['x-webhook-signature'] = signature;
      // The declared body would take 14 hours at this pace: only a refusal from the headers answers in time.
      const answer = await trickle(port, headers, 1024 * 1024 - 1, 50);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ code });
      expect(answer.bytesSent).toBeLessThan(100);
      expect(handler).not.toHaveBeenCalled();
    },
  );

  test('415 and a declared 413 still come first', async () => {
    const port = await start({ maxBodyBytes: 100 });
    const unsigned = { 'content-type': 'application/json' };
    expect((await trickle(port, { 'content-type': 'text/plain' }, 10, 5)).status).toBe(415);
    expect((await trickle(port, unsigned, 101, 5)).status).toBe(413);
    expect((await trickle(port, unsigned, 100, 5)).status).toBe(401);
  });

  test('a signed body that does not arrive within bodyTimeoutMs is 408 request_timeout, and the socket closes', async () => {
    const port = await start({ bodyTimeoutMs: 300 });
    const answer = await trickle(
      port,
      { 'content-type': 'application/json', 'x-webhook-signature': WELL_FORMED },
      1000,
      50,
    );
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining('300 ms'), code: 'request_timeout' });
    expect(answer.bytesSent).toBeLessThan(1000);
    expect(handler).not.toHaveBeenCalled();
  });

  test('a body that arrives in time is not affected by bodyTimeoutMs', async () => {
    await start({ bodyTimeoutMs: 5000 });
    const delivery = await buildTestDelivery('session.qr', undefined, { hmacKey: KEY });
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(res.status).toBe(200);
  });
});

describe('createWebhookHandler', () => {
  test('401 for a missing signature without pulling a byte of the body', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: (controller) => {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      },
      { highWaterMark: 0 },
    );
    const res = await createWebhookHandler({ hmacKey: KEY })(
      new Request('http://localhost/', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(401);
    expect(pulled).toBe(0);
  });

  test('408 request_timeout when the body stalls, and the stream is cancelled', async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"id":')),
      cancel: () => {
        cancelled = true;
      },
    });
    const res = await createWebhookHandler({ hmacKey: KEY, bodyTimeoutMs: 200 })(
      new Request('http://localhost/', {
        method: 'POST',
        body: stalled,
        headers: { 'content-type': 'application/json', 'x-webhook-signature': WELL_FORMED },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ code: 'request_timeout' });
    expect(cancelled).toBe(true);
  });

  test('a bodyTimeoutMs that is not a positive whole number is refused at creation', () => {
    for (const bodyTimeoutMs of [0, -1, 1.5, Number.NaN])
      expect(() => createWebhookHandler({ hmacKey: KEY, bodyTimeoutMs })).toThrow(TypeError);
  });
});

describe('a flood of 1,000 trickling unsigned connections', () => {
  test('is refused without growing the receiver, while a signed delivery alongside is handled', async () => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', await bundleApp(join(__dirname, 'apps', 'memory-receiver.ts'))],
      {
        env: { ...process.env, HMAC_KEY: KEY },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      const { port } = JSON.parse(await firstLine(child, 20_000)) as { port: number };
      const memory = async () =>
        (await (await fetch(`http://127.0.0.1:${port}/_memory`)).json()) as {
          heapUsed: number;
          connections: number;
          handled: number;
        };
      const signed = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
      const sendSigned = () =>
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: signed.headers, body: signed.body });
      // Warm up the paths the flood takes, so the baseline includes their code.
      await trickle(port, { 'content-type': 'application/json' }, 1000, 10);
      expect((await sendSigned()).status).toBe(200);
      const before = await memory();

      // Each declares a body just under the 1 MiB limit and sends one byte every 50 ms.
      const flood = Array.from({ length: 1000 }, () =>
        trickle(port, { 'content-type': 'application/json' }, 1024 * 1024 - 1, 50),
      );
      const alongside = await sendSigned();
      const answers = await Promise.all(flood);
      const after = await memory();

      expect(alongside.status).toBe(200);
      // Every connection is refused: answered 401, or, for a handful at most, reset by the TCP race above.
      const statuses = new Set(answers.map((answer) => answer.status));
      expect([...statuses].filter((status) => status !== 401 && status !== 0)).toEqual([]);
      expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(990);
      // Answered from the headers: no connection lived long enough to send more than a few bytes.
      expect(Math.max(...answers.map((answer) => answer.bytesSent))).toBeLessThan(1000);
      // None of the 1,000 is left open; only this test's own keep-alive fetches may be.
      expect(after.connections).toBeLessThan(10);
      expect(after.handled).toBe(2);
      // Flat: well under the ~1 GB the declared bodies add up to, or even 1 KB per connection.
      expect(after.heapUsed - before.heapUsed).toBeLessThan(1024 * 1024);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
