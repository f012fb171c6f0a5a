// GET /_mock/stream over real HTTP: the messages and their order, auth (header, and ?token= on this
// route only), heartbeats, limits, and that a client that leaves, stalls or outlives the server costs nothing.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient, TitanApiError } from '@titan-webhooks/sdk';
import { createMockControl, type Delivery, type StreamMessage } from '@titan-webhooks/sdk/mock';
import pino from 'pino';
import { createApp } from '../../mock-server/src/api/app.js';
import { createAccounts } from '../../mock-server/src/api/auth.js';
import { type LiveStreamLimits, LiveStreams } from '../../mock-server/src/api/live-stream.js';
import { DEFAULT_RATE_LIMIT } from '../../mock-server/src/config.js';
import { assertContract, assertControlSchema, call } from '../helpers/contract.js';
import {
  createTestEngine,
  STORE_KINDS,
  type StoreKind,
  type TestEngine,
  type TestWebhooks,
} from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const silent = pino({ level: 'silent' });

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Reads a stream's raw text as it arrives, for assertions on the wire format. */
class RawStream {
  text = '';
  private readonly changed = new EventTarget();
  readonly done: Promise<void>;
  private readonly reader: ReadableStreamDefaultReader<string>;

  constructor(readonly response: Response) {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    this.reader = reader;
    this.done = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        this.text += value;
        this.changed.dispatchEvent(new Event('change'));
      }
      this.changed.dispatchEvent(new Event('change'));
    })();
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.reader.cancel();
  }

  /** Every complete block, its fields parsed. */
  get messages(): SseMessage[] {
    const blocks = this.text.split('\n\n').slice(0, -1);
    return blocks.map((block) => {
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(': ');
          message[line.slice(0, colon) as Exclude<keyof SseMessage, 'comment'>] = line.slice(colon + 2);
        }
      }
      return message;
    });
  }

  /** The data of the `event` messages, parsed. */
  data(event: string): unknown[] {
    return this.messages.filter((m) => m.event === event).map((m) => JSON.parse(m.data!));
  }

  /** Resolves once `check` holds; rejects with what arrived if it does not within `timeoutMs`. */
  until(check: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changed.removeEventListener('change', test);
        reject(new Error(`not seen within ${timeoutMs} ms; the stream so far:\n${this.text}`));
      }, timeoutMs);
      const test = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.changed.removeEventListener('change', test);
        resolve();
      };
      this.changed.addEventListener('change', test);
      test();
    });
  }
}

async function openStream(
  baseUrl: string,
  { token, query, signal }: { token?: string; query?: string; signal?: AbortSignal } = {},
): Promise<RawStream> {
  const response = await fetch(`${baseUrl}/_mock/stream${query ?? ''}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal,
  });
  return new RawStream(response);
}

/** Resolves once `check` holds, checked every 10 ms; rejects after `timeoutMs`. */
async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let receiver: TestServer;
beforeAll(async () => {
  receiver = await startTestServer((req, res) => {
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end();
  });
});
afterAll(() => receiver.close());

describe.each(STORE_KINDS)('over the %s store', (kind: StoreKind) => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServerWith(kind, { allowPrivateUrls: true, timeScale: 0.001, tokens: ['one', 'two'] });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const api = (token = 'one') => createTitanClient({ baseUrl: server.url, token, retry: false }).webhooks;

  test('webhook creates, updates and deletes, as the API shows them and without the key', async () => {
    const stream = await openStream(server.url, { token: 'one' });
    expect(stream.response.status).toBe(200);
    const header = (name: string) => stream.response.headers.get(name);
    expect(['content-type', 'cache-control', 'x-accel-buffering', 'content-encoding'].map(header)).toEqual([
      'text/event-stream; charset=utf-8',
      'no-cache, no-transform',
      'no',
      null,
    ]);
    await stream.until(() => stream.messages.length >= 1);
    expect(stream.messages[0]).toEqual({ retry: '2000' });

    const created = await api().create({ url: `${receiver.url}/ok`, label: 'first' });
    // Another account's changes never reach this stream.
    await api('two').create({ url: `${receiver.url}/ok` });
    const updated = await api().update(created.id, { label: 'second' });
    await api().delete(created.id);
    await stream.until(() => stream.data('webhook').length >= 3);
    const { hmacKey: _key, ...withoutKey } = created;
    expect(stream.data('webhook')).toEqual([withoutKey, updated, { id: created.id, deleted: true }]);
    expect(stream.messages.slice(1).map((m) => m.id)).toEqual(['1', '2', '3']);
    for (const data of stream.data('webhook')) assertControlSchema('StreamMessage', { event: 'webhook', data });
    await stream.close();
  });

  test('a delivery at each step: created, attempt started, attempt finished, retried, settled', async () => {
    const stream = await openStream(server.url, { query: '?token=one' });
    const hook = await api().create({ url: `${receiver.url}/fail`, retries: { attempts: 1, delaySeconds: 1 } });
    const { deliveries } = await server.emit('message.received');
    await stream.until(() => stream.data('delivery').some((d) => (d as { status: string }).status === 'failed'));
    const seen = stream.data('delivery') as Delivery[];
    for (const data of seen) assertControlSchema('StreamMessage', { event: 'delivery', data });
    expect(new Set(seen.map((d) => d.id))).toEqual(new Set([deliveries[0]!.id]));
    expect(seen.every((d) => d.webhookId === hook.id)).toBe(true);
    // Each step once, in order: no attempt, attempt 1 on the wire, attempt 1 failed with a retry due,
    // attempt 2 on the wire, then failed for good.
    expect(
      seen.map((d) => [
        d.status,
        d.attempts.length,
        d.attempts.at(-1)?.statusCode ?? null,
        (d.attempts.at(-1)?.nextRetryAt ?? null) !== null,
      ]),
    ).toEqual([
      ['pending', 0, null, false],
      ['pending', 1, null, false],
      ['pending', 1, 500, true],
      ['pending', 2, null, false],
      ['failed', 2, 500, false],
    ]);
    expect(seen.at(-1)).toEqual((await server.deliveries())[0]);
    await stream.close();
  });
});

describe('auth', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, tokens: ['one'] });
  });
  afterAll(() => server.close());

  test('a missing or unknown token is 401 in the error shape, by header or by ?token=', async () => {
    for (const options of [{}, { token: 'nope' }, { query: '?token=nope' }, { query: '?token=one&token=one' }]) {
      const response = await fetch(`${server.url}/_mock/stream${options.query ?? ''}`, {
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      });
      const body = await response.json();
      assertContract('GET', '/_mock/stream', { status: response.status, body, headers: {} });
      expect({ status: response.status, body }).toEqual({
        status: 401,
        body: { error: 'missing or invalid API key', code: 'unauthorized' },
      });
    }
  });

  test('?token= is refused on every other route', async () => {
    for (const path of ['/_mock/deliveries?token=one', '/api/webhooks?token=one']) {
      const response = await call(server.url, 'GET', path);
      expect({ path, status: response.status, code: response.body.code }).toEqual({
        path,
        status: 401,
        code: 'unauthorized',
      });
    }
  });
});

/** The app over a test engine, with the stream's limits given and the store's subscriptions counted. */
interface TunedServer {
  url: string;
  /** The account of the token `one`. */
  accountId: string;
  webhooks: TestWebhooks;
  /** Subscriptions to the store now, the engine's own included. */
  listeners(): number;
  close(): Promise<void>;
}

async function startTuned(limits: Partial<LiveStreamLimits>, kind: StoreKind = 'memory'): Promise<TunedServer> {
  const test: TestEngine = createTestEngine(kind);
  const { store } = test.webhooks;
  const active = new Set<unknown>();
  const subscribe = store.subscribe.bind(store);
  store.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    active.add(listener);
    return () => {
      active.delete(listener);
      unsubscribe();
    };
  };
  // The engine subscribed before the count began.
  const baseline = 1;
  const accounts = createAccounts([{ token: 'one', scopes: ['*'] }], (digest) => store.accountId(digest));
  const streams = new LiveStreams(store, silent, limits);
  const app = createApp({
    accounts,
    store,
    engine: test.engine,
    allowPrivateUrls: true,
    rateLimit: DEFAULT_RATE_LIMIT,
    logger: silent,
    streams,
  });
  const server: Server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accountId: accounts.ofToken('one').id,
    webhooks: test.webhooks,
    listeners: () => baseline + active.size,
    async close() {
      streams.closeAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await test.close();
    },
  };
}

describe.each(STORE_KINDS)('the SDK stream over the %s store', (kind: StoreKind) => {
  let tuned: TunedServer;
  beforeAll(async () => {
    tuned = await startTuned({}, kind);
  });
  afterAll(() => tuned.close());

  test('sees a webhook created through the API and a delivery going pending -> succeeded', async () => {
    const control = createMockControl({ baseUrl: tuned.url, token: 'one' });
    const api = createTitanClient({ baseUrl: tuned.url, token: 'one', retry: false }).webhooks;
    const messages: StreamMessage[] = [];
    const reading = (async () => {
      for await (const message of control.stream()) {
        messages.push(message);
        if (message.type === 'delivery' && message.data.status === 'succeeded') break;
      }
    })();
    await eventually(() => tuned.listeners() === 2, 'the stream subscribed');
    const hook = await api.create({ url: `${receiver.url}/ok` });
    const { deliveries } = await control.emit('message.received');
    await reading;
    const { hmacKey: _key, ...withoutKey } = hook;
    expect(messages[0]).toEqual({ type: 'webhook', data: withoutKey });
    const changes = messages.slice(1).map((m) => [m.type, m.data.id, 'status' in m.data ? m.data.status : null]);
    expect(changes[0]).toEqual(['delivery', deliveries[0]!.id, 'pending']);
    expect(changes.at(-1)).toEqual(['delivery', deliveries[0]!.id, 'succeeded']);
    // Leaving the loop closed the connection.
    await eventually(() => tuned.listeners() === 1, 'the stream left by break unsubscribed');
  });
});

describe('limits and clean-up', () => {
  let tuned: TunedServer;
  afterEach(() => tuned.close());

  test('a heartbeat comment every heartbeatMs keeps a quiet stream alive', async () => {
    tuned = await startTuned({ heartbeatMs: 50 });
    const stream = await openStream(tuned.url, { token: 'one' });
    await stream.until(() => stream.messages.filter((m) => m.comment === 'heartbeat').length >= 3);
    expect(stream.messages[0]).toEqual({ retry: '2000' });
    expect(stream.messages.slice(1).every((m) => m.comment === 'heartbeat')).toBe(true);
    await stream.close();
  });

  test('a client that disconnects is unsubscribed at once', async () => {
    tuned = await startTuned({});
    const controller = new AbortController();
    const stream = await openStream(tuned.url, { token: 'one', signal: controller.signal });
    await stream.until(() => stream.messages.length >= 1);
    expect(tuned.listeners()).toBe(2);
    controller.abort();
    await eventually(() => tuned.listeners() === 1, 'the stream unsubscribed');
  });

  test('the SDK: aborting or leaving the loop closes the server-side subscription', async () => {
    tuned = await startTuned({});
    const control = createMockControl({ baseUrl: tuned.url, token: 'one' });
    const api = createTitanClient({ baseUrl: tuned.url, token: 'one', retry: false }).webhooks;

    const controller = new AbortController();
    const aborted = (async () => {
      for await (const _ of control.stream({ signal: controller.signal })) {
        /* nothing arrives: the test aborts */
      }
    })();
    await eventually(() => tuned.listeners() === 2, 'the stream subscribed');
    controller.abort(new Error('enough'));
    await expect(aborted).rejects.toThrow('enough');
    await eventually(() => tuned.listeners() === 1, 'the aborted stream unsubscribed');

    const first = (async () => {
      for await (const message of control.stream()) return message;
    })();
    await eventually(() => tuned.listeners() === 2, 'the stream subscribed');
    const created = await api.create({ url: 'http://127.0.0.1:9/hook' });
    expect(await first).toEqual({ type: 'webhook', data: expect.objectContaining({ id: created.id }) });
    await eventually(() => tuned.listeners() === 1, 'the stream left by return unsubscribed');
  });

  test('the SDK: a refusal throws TitanApiError with the server message', async () => {
    tuned = await startTuned({});
    const control = createMockControl({ baseUrl: tuned.url, token: 'wrong' });
    const iterate = async () => {
      for await (const _ of control.stream()) break;
    };
    const error = await iterate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TitanApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  test('more than maxStreamsPerAccount streams: 429 rate_limited until one closes', async () => {
    tuned = await startTuned({ maxStreamsPerAccount: 2 });
    const controllers = [new AbortController(), new AbortController()];
    const open = await Promise.all(controllers.map((c) => openStream(tuned.url, { token: 'one', signal: c.signal })));
    expect(open.map((s) => s.response.status)).toEqual([200, 200]);
    const refused = await fetch(`${tuned.url}/_mock/stream`, { headers: { authorization: 'Bearer one' } });
    const body = await refused.json();
    assertContract('GET', '/_mock/stream', { status: refused.status, body, headers: {} });
    expect({ status: refused.status, body }).toEqual({
      status: 429,
      body: {
        error: 'this account already has 2 streams open, the most allowed: close one first',
        code: 'rate_limited',
      },
    });
    controllers[0]!.abort();
    await eventually(() => tuned.listeners() === 2, 'the closed stream unsubscribed');
    controllers[0] = new AbortController();
    const again = await openStream(tuned.url, { token: 'one', signal: controllers[0].signal });
    expect(again.response.status).toBe(200);
    for (const c of controllers) c.abort();
  });

  test('a client that never reads is dropped once its unread bytes pass the limit', async () => {
    tuned = await startTuned({ maxBufferedBytes: 64 * 1024 });
    const { port } = new URL(tuned.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    socket.on('error', () => {});
    await once(socket, 'connect');
    // Sent, then never read: what the server writes piles up in the kernel's buffers, then in its own.
    socket.pause();
    socket.write('GET /_mock/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer one\r\n\r\n');
    await eventually(() => tuned.listeners() === 2, 'the stream subscribed');
    // Big messages, a batch per turn of the event loop so the socket can fill: at most 256 MiB in all.
    const webhook = tuned.webhooks.add({ accountId: tuned.accountId, url: 'http://127.0.0.1:9/hook', enabled: false });
    const label = 'x'.repeat(64 * 1024);
    for (let batch = 0; batch < 256 && tuned.listeners() === 2; batch++) {
      for (let i = 0; i < 16; i++) tuned.webhooks.update(webhook.id, { label: `${label}${batch}-${i}` });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(tuned.listeners()).toBe(1);
    socket.destroy();
  });
});

test('close() ends open streams instead of waiting for them', async () => {
  const server = await startMockServer({ port: 0 });
  const raw = await openStream(server.url, { token: server.token });
  const messages: StreamMessage[] = [];
  const sdk = (async () => {
    for await (const message of server.stream()) messages.push(message);
  })();
  await raw.until(() => raw.messages.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.close();
  // Both end cleanly: the raw reader sees the end of the body, the SDK's loop simply finishes.
  await raw.done;
  await sdk;
  expect(messages).toEqual([]);
});
