// Each attempt records the receiver's answer: headers, the first 4096 bytes of the body, whether more
// followed; null when no answer came. Real receivers on 127.0.0.1, both stores, contract-checked reads.
import { createServer } from 'node:net';
import type { MockServer } from '@titan-webhooks/mock-server';
import { startMockServer } from '@titan-webhooks/mock-server';
import type { Delivery } from '@titan-webhooks/sdk/mock';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createDeliveryEngine } from '../../mock-server/src/delivery/index.js';
import { AttemptRecord, toDelivery } from '../../mock-server/src/delivery/records.js';
import { utf8Boundary } from '../../mock-server/src/delivery/response-body.js';
import { openStore } from '../../mock-server/src/store/index.js';
import { MemoryStore } from '../../mock-server/src/store/memory-store.js';
import { call } from '../helpers/contract.js';
import { STORE_KINDS, type StoreKind, TestWebhooks, tempDataFile, testEvent } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const OPTIONS = { allowPrivateUrls: true, timeScale: 0.001 };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  let receiver: TestServer;
  beforeAll(async () => {
    receiver = await startTestServer();
    mock = await startMockServerWith(kind, OPTIONS);
  });
  afterAll(async () => {
    await mock.close();
    await receiver.close();
  });
  beforeEach(() => mock.reset());

  const createWebhook = async (fields: Record<string, unknown> = {}) =>
    (
      await call(mock.url, 'POST', '/api/webhooks', {
        token: mock.token,
        body: { url: `${receiver.url}/hook`, retries: { attempts: 0 }, ...fields },
      })
    ).body.data as { id: number };

  /** Emits, waits for the webhook's delivery to settle, and reads it back through the control API. */
  async function deliverOnce(webhookId: number): Promise<Delivery> {
    await mock.emit('message.received');
    const [settled] = await mock.waitForDeliveries({ webhookId });
    const res = await call(mock.url, 'GET', `/_mock/deliveries/${settled!.id}`, { token: mock.token });
    return res.body.data as Delivery;
  }

  test('a 2xx answer: its headers in lower case, repeated ones joined, and its body', async () => {
    receiver.handle((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Trace', ['a', 'b']);
      res.setHeader('Set-Cookie', ['first=1', 'second=2']);
      res.end('{"received":true}');
    });
    const hook = await createWebhook();
    const delivery = await deliverOnce(hook.id);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]!.response).toEqual({
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'x-trace': 'a, b',
        'set-cookie': 'first=1, second=2',
        'content-length': '17',
      }),
      body: '{"received":true}',
      truncated: false,
    });
  });

  test('a 5xx answer is recorded on its attempt, and the retry that succeeds has its own', async () => {
    let calls = 0;
    receiver.handle((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { 'retry-after': '0', 'content-type': 'text/plain' }).end('busy, try later');
      else res.writeHead(200).end('ok');
    });
    const hook = await createWebhook({ retries: { attempts: 1, delaySeconds: 1 } });
    const delivery = await deliverOnce(hook.id);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a) => [a.statusCode, a.response?.body, a.response?.truncated])).toEqual([
      [503, 'busy, try later', false],
      [200, 'ok', false],
    ]);
    expect(delivery.attempts[0]!.response!.headers).toMatchObject({ 'retry-after': '0', 'content-type': 'text/plain' });
  });

  test.each([
    ['exactly 4096 bytes', 'x'.repeat(4096), 'x'.repeat(4096), false],
    ['one byte more', 'x'.repeat(4097), 'x'.repeat(4096), true],
    ['over the 64 KiB read limit', 'y'.repeat(100_000), 'y'.repeat(4096), true],
    // é is 2 bytes, at bytes 4095 and 4096: cut through, it is left out whole.
    ['a 2-byte character across the cut', `${'a'.repeat(4095)}é tail`, 'a'.repeat(4095), true],
    // 👋 is 4 bytes, at 4094 to 4097.
    ['a 4-byte character across the cut', `${'a'.repeat(4094)}👋`, 'a'.repeat(4094), true],
    ['a 3-byte character that ends at the cut', `${'a'.repeat(4093)}€!`, `${'a'.repeat(4093)}€`, true],
  ])('a body of %s', async (_name, sent, recorded, truncated) => {
    receiver.handle((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(sent));
    const hook = await createWebhook();
    const delivery = await deliverOnce(hook.id);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]!.response).toMatchObject({ body: recorded, truncated });
  });

  test('a connection refused records no response', async () => {
    const hook = await createWebhook({ url: `http://127.0.0.1:${await closedPort()}/hook` });
    const delivery = await deliverOnce(hook.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts[0]).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^connection refused/),
    });
    expect(delivery.attempts[0]!.response).toBeNull();
  });

  test('an answer cut off by the delivery timeout keeps its headers and the bytes that came', async () => {
    const slow = await startMockServerWith(kind, { ...OPTIONS, deliveryTimeout: 0.3 });
    try {
      receiver.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        // Never ends: the attempt times out while reading the body.
      });
      const url = `${receiver.url}/hook`;
      await call(slow.url, 'POST', '/api/webhooks', { token: slow.token, body: { url, retries: { attempts: 0 } } });
      await slow.emit('message.received');
      const [delivery] = await slow.waitForDeliveries({});
      expect(delivery!.attempts[0]).toMatchObject({
        statusCode: 200,
        error: expect.stringMatching(/^timeout/),
        response: {
          headers: expect.objectContaining({ 'content-type': 'text/plain' }),
          body: 'partial',
          truncated: true,
        },
      });
    } finally {
      await slow.close();
    }
  });
});

describe('with a data file', () => {
  let receiver: TestServer;
  beforeAll(async () => {
    receiver = await startTestServer((_req, res) => res.writeHead(202, { 'x-receiver': 'kept' }).end('stored ✓'));
  });
  afterAll(() => receiver.close());

  test('recorded responses survive a restart', async () => {
    const data = tempDataFile();
    try {
      let mock = await startMockServer({ port: 0, ...OPTIONS, dataFile: data.file });
      await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, body: { url: `${receiver.url}/hook` } });
      await mock.emit('message.received');
      const [before] = await mock.waitForDeliveries({});
      expect(before!.attempts[0]!.response).toMatchObject({ body: 'stored ✓', truncated: false });
      await mock.close();

      mock = await startMockServer({ port: 0, ...OPTIONS, dataFile: data.file });
      try {
        const res = await call(mock.url, 'GET', `/_mock/deliveries/${before!.id}`, { token: mock.token });
        expect(res.body.data.attempts).toEqual(before!.attempts);
        expect(res.body.data.attempts[0].response.headers['x-receiver']).toBe('kept');
      } finally {
        await mock.close();
      }
    } finally {
      data.remove();
    }
  });

  test('a file written before responses were recorded loads its attempts with response null', async () => {
    const data = tempDataFile();
    try {
      const mock = await startMockServer({ port: 0, ...OPTIONS, dataFile: data.file });
      await call(mock.url, 'POST', '/api/webhooks', { token: mock.token, body: { url: `${receiver.url}/hook` } });
      await mock.emit('message.received');
      const [delivery] = await mock.waitForDeliveries({});
      await mock.close();
      // Attempt rows as the previous version wrote them: six elements, no response.
      const db = new Database(data.file);
      const { attempts } = db.prepare('SELECT attempts FROM deliveries WHERE id = ?').get(delivery!.id) as {
        attempts: string;
      };
      const oldRows = (JSON.parse(attempts) as unknown[][]).map((row) => row.slice(0, 6));
      db.prepare('UPDATE deliveries SET attempts = ? WHERE id = ?').run(JSON.stringify(oldRows), delivery!.id);
      db.close();

      const restarted = await startMockServer({ port: 0, ...OPTIONS, dataFile: data.file });
      try {
        const res = await call(restarted.url, 'GET', `/_mock/deliveries/${delivery!.id}`, { token: restarted.token });
        expect(res.body.data.attempts).toEqual([{ ...delivery!.attempts[0], response: null }]);
      } finally {
        await restarted.close();
      }
    } finally {
      data.remove();
    }
  });
});

describe.each(STORE_KINDS)('the memory budget for responses, with the %s store', (kind: StoreKind) => {
  const BODY = 'b'.repeat(1000);
  let receiver: TestServer;
  beforeAll(async () => {
    receiver = await startTestServer((_req, res) => res.writeHead(200, { 'content-length': '1000' }).end(BODY));
  });
  afterAll(() => receiver.close());

  /** An engine whose store keeps `budget` bytes of responses and `retain` deliveries. */
  function budgetEngine(budget: number, retain = 100) {
    const data = kind === 'sqlite' ? tempDataFile() : undefined;
    const open = () =>
      openStore({
        dataFile: data?.file,
        retainDeliveries: retain,
        responseBudgetBytes: budget,
        logger: pino({ level: 'silent' }),
      });
    const store = open();
    const engine = createDeliveryEngine({
      store,
      timeScale: 0.01,
      deliveryTimeoutMs: 2_000,
      allowPrivateUrls: true,
      logger: pino({ level: 'silent' }),
    });
    const webhooks = new TestWebhooks(store);
    return {
      engine,
      webhooks,
      store,
      /** Delivers `count` events one after the other. */
      async deliver(count: number) {
        for (let i = 1; i <= count; i++) {
          engine.emit('acct_1', testEvent());
          await engine.waitFor('acct_1', { count: Math.min(i, retain) }, 5_000);
        }
      },
      /** Closes, reopens the same file and hands the reopened store to `check`. */
      async reopen(check: (webhooks: TestWebhooks) => void) {
        await engine.close(1_000);
        store.close();
        if (data === undefined) return;
        const again = open();
        try {
          check(new TestWebhooks(again));
        } finally {
          again.close();
        }
      },
      remove: () => data?.remove(),
    };
  }

  // Each answer counts its 1000-byte body plus its headers (about 100 bytes): three fit in 3500, four do not.
  test('past the budget the oldest responses are emptied, and marked truncated', async () => {
    const run = budgetEngine(3_500);
    try {
      run.webhooks.add({ url: `${receiver.url}/hook`, accountId: 'acct_1' });
      await run.deliver(5);
      const responses = (webhooks: TestWebhooks) => webhooks.deliveries('acct_1').map((d) => d.attempts[0]!.response);
      const expected = [
        { headers: {}, body: '', truncated: true },
        { headers: {}, body: '', truncated: true },
        ...Array.from({ length: 3 }, () => ({
          headers: expect.objectContaining({ 'content-length': '1000' }),
          body: BODY,
          truncated: false,
        })),
      ];
      expect(responses(run.webhooks)).toEqual(expected);
      // The file holds the emptied ones as emptied: a restart shows the same.
      await run.reopen((webhooks) => expect(responses(webhooks)).toEqual(expected));
    } finally {
      run.remove();
    }
  });

  test('forgotten deliveries give their bytes back: nothing kept is emptied', async () => {
    const run = budgetEngine(3_500, 2);
    try {
      run.webhooks.add({ url: `${receiver.url}/hook`, accountId: 'acct_1' });
      await run.deliver(6);
      const kept = run.webhooks.deliveries('acct_1');
      expect(kept.map((d) => d.attempts[0]!.response!.body)).toEqual([BODY, BODY]);
      await run.reopen(() => undefined);
    } finally {
      run.remove();
    }
  });
});

describe('the budget over thousands of forgotten deliveries', () => {
  const answer = { headers: {}, body: 'r'.repeat(1000), truncated: false };
  const EMPTIED = { headers: {}, body: '', truncated: true };

  /** `count` deliveries, each answered once and settled, through the store as the engine drives it. */
  function settleMany(budget: number, count: number) {
    const store = new MemoryStore({ retainDeliveries: 3, responseBudgetBytes: budget });
    const event = { id: 'evt_1', event: 'message.received' as const, session: 'default', body: '{}', byteLength: 2 };
    const retries = { attempts: 0, delaySeconds: 1, policy: 'constant' as const };
    for (let i = 0; i < count; i++) {
      const state = store.createDelivery({ accountId: 'acct_1', webhookId: 1, event, retries, url: 'http://x' });
      const record = new AttemptRecord(1, Date.now());
      state.addAttempt(record);
      store.recordResponse(state, record, answer);
      state.status = 'succeeded';
      store.deliveryChanged(state, 'pending');
    }
    return store.deliveries('acct_1').map((state) => toDelivery(state).attempts[0]!.response);
  }

  test('room for every kept answer: none is emptied', () => {
    expect(settleMany(3_500, 3_000)).toEqual([answer, answer, answer]);
  });

  test('room for two: the oldest kept one is emptied, the others stay whole', () => {
    expect(settleMany(2_500, 3_000)).toEqual([EMPTIED, answer, answer]);
  });
});

test('utf8Boundary leaves out only a sequence cut at the end', () => {
  const bytes = (text: string) => new Uint8Array(Buffer.from(text));
  expect(utf8Boundary(bytes('abc'))).toBe(3);
  expect(utf8Boundary(bytes('ab€'))).toBe(5);
  expect(utf8Boundary(bytes('ab€').subarray(0, 4))).toBe(2);
  expect(utf8Boundary(bytes('👋').subarray(0, 3))).toBe(0);
  expect(utf8Boundary(bytes(''))).toBe(0);
  // Not UTF-8 at all (continuation bytes only): left to the decoder's replacement marks.
  expect(utf8Boundary(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
});
