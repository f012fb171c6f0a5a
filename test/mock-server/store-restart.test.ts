// State kept in a --data file across restarts of startMockServer: webhooks, ids, the token, pending retries.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import Database from 'better-sqlite3';
import { call } from '../helpers/contract.js';
import { tempDataFile } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

let data: ReturnType<typeof tempDataFile>;
let receiver: TestServer;
let mock: MockServer | undefined;

beforeEach(async () => {
  data = tempDataFile();
  receiver = await startTestServer((_req, res) => res.writeHead(500).end());
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await receiver.close();
  data.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const start = async (options: Parameters<typeof startMockServer>[0] = {}) => {
  mock = await startMockServer({ port: 0, dataFile: data.file, allowPrivateUrls: true, timeScale: 0.01, ...options });
  return mock;
};
const restart = async (options: Parameters<typeof startMockServer>[0] = {}) => {
  await mock!.close();
  return start(options);
};
const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
  call(mock!.url, method, path, { token: mock!.token, body });

test('webhooks with their keys, the development token and both id counters survive a restart', async () => {
  await start();
  const token = mock!.token;
  expect(token).toMatch(/^titan_dev_/);
  const first = (await api('POST', '/api/webhooks', { url: `${receiver.url}/a`, hmacKey: 'a-key-of-16-chars!' })).body
    .data;
  const second = (await api('POST', '/api/webhooks', { url: `${receiver.url}/b`, label: 'b' })).body.data;
  await api('DELETE', `/api/webhooks/${second.id}`);
  receiver.handle((_req, res) => res.writeHead(200).end());
  const emitted = await mock!.emit('chat.read');
  await mock!.waitForDeliveries({ count: 1 });

  await restart();
  expect(mock!.token).toBe(token);
  const { id: _id, hmacKey: _key, ...publicFields } = first;
  expect((await api('GET', '/api/webhooks')).body.data).toEqual([{ id: first.id, ...publicFields }]);
  // Neither a deleted webhook's id nor any delivery id comes back.
  const third = (await api('POST', '/api/webhooks', { url: `${receiver.url}/c` })).body.data;
  expect(third.id).toBe(second.id + 1);
  const later = await mock!.emit('chat.read');
  await mock!.waitForDeliveries({ count: 3 });
  const deliveries = await mock!.deliveries();
  expect(deliveries.map((d) => d.id)).toEqual([...emitted.deliveries, ...later.deliveries].map((d) => d.id));
  expect(new Set(deliveries.map((d) => d.id)).size).toBe(3);
  // The kept key still signs: the first webhook's deliveries after the restart carry a signature.
  const signed = receiver.requests.filter((r) => r.url === '/a');
  expect(signed).toHaveLength(2);
  expect(signed.every((r) => /^sha256=[0-9a-f]{64}$/.test(String(r.headers['x-webhook-signature'])))).toBe(true);
});

test('given tokens keep their accounts across restarts, whatever their order', async () => {
  await start({ tokens: ['tok_a', 'tok_b'] });
  await call(mock!.url, 'POST', '/api/webhooks', { token: 'tok_b', body: { url: `${receiver.url}/b` } });
  await restart({ tokens: ['tok_b', 'tok_a'] });
  expect((await call(mock!.url, 'GET', '/api/webhooks', { token: 'tok_b' })).body.data).toHaveLength(1);
  expect((await call(mock!.url, 'GET', '/api/webhooks', { token: 'tok_a' })).body.data).toEqual([]);
  // Given tokens never replace the kept development token, nor the other way round.
  await restart();
  expect(mock!.token).toMatch(/^titan_dev_/);
});

test('pending retries resume: overdue ones at once, oldest due first; later ones at their due time', async () => {
  await start();
  const overdue = (
    await api('POST', '/api/webhooks', {
      url: `${receiver.url}/overdue`,
      retries: { attempts: 1, delaySeconds: 20, policy: 'constant' },
    })
  ).body.data;
  const later = (
    await api('POST', '/api/webhooks', {
      url: `${receiver.url}/later`,
      retries: { attempts: 1, delaySeconds: 100, policy: 'constant' },
    })
  ).body.data;
  for (let i = 0; i < 3; i++) {
    await mock!.emit('chat.read');
    await sleep(20);
  }
  // Every first attempt failed and announced its retry (200 ms and 1 s away).
  while ((await mock!.deliveries()).some((d) => d.attempts[0]?.nextRetryAt == null)) await sleep(10);
  await mock!.close();
  mock = undefined;
  await sleep(300);
  receiver.handle((_req, res) => res.writeHead(200).end());
  await start();

  const resumed = await mock!.waitForDeliveries({ webhookId: overdue.id, count: 3 }, 2_000);
  expect(resumed.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  // At once: before any of the later retries falls due, rather than after a wait of their own.
  const laterDue = Math.min(
    ...(await mock!.deliveries({ webhookId: later.id })).map((d) => Date.parse(d.attempts[0]!.nextRetryAt!)),
  );
  for (const delivery of resumed) expect(Date.parse(delivery.attempts[1]!.startedAt)).toBeLessThan(laterDue);
  const dueOrder = [...resumed].sort(
    (a, b) => Date.parse(a.attempts[0]!.nextRetryAt!) - Date.parse(b.attempts[0]!.nextRetryAt!),
  );
  const starts = dueOrder.map((d) => Date.parse(d.attempts[1]!.startedAt));
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect((await mock!.deliveries({ webhookId: later.id, status: 'pending' })).length).toBe(3);

  const waited = await mock!.waitForDeliveries({ webhookId: later.id, count: 3 }, 3_000);
  for (const delivery of waited) {
    expect(delivery.status).toBe('succeeded');
    expect(Date.parse(delivery.attempts[1]!.startedAt)).toBeGreaterThanOrEqual(
      Date.parse(delivery.attempts[0]!.nextRetryAt!),
    );
  }
});

test('a stop waits for attempts on the wire and records their outcome', async () => {
  let answer: (() => void) | undefined;
  receiver.handle((_req, res) => {
    answer = () => res.writeHead(200).end();
  });
  await start();
  await api('POST', '/api/webhooks', { url: receiver.url });
  await mock!.emit('chat.read');
  while (answer === undefined) await sleep(5);
  const closing = mock!.close();
  mock = undefined;
  setTimeout(() => answer!(), 50);
  await closing;
  await start();
  const [delivery] = await mock!.deliveries();
  expect(delivery).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200, error: null }] });
});

test('a file at schema version 0 is migrated; retention trims what the file holds', async () => {
  const empty = new Database(data.file);
  expect(empty.pragma('user_version', { simple: true })).toBe(0);
  empty.close();
  receiver.handle((_req, res) => res.writeHead(200).end());
  await start({ retainDeliveries: 4 });
  await api('POST', '/api/webhooks', { url: receiver.url });
  const emitted: string[] = [];
  for (let i = 0; i < 10; i++) emitted.push((await mock!.emit('chat.read')).deliveries[0]!.id);
  while (receiver.requests.length < 10) await sleep(10);
  await mock!.waitForDeliveries({ count: 4 });
  const kept = await mock!.deliveries();
  expect(kept).toHaveLength(4);
  expect(kept.every((d) => emitted.includes(d.id) && d.status === 'succeeded')).toBe(true);
  await mock!.close();
  mock = undefined;

  const file = new Database(data.file, { readonly: true });
  try {
    expect(file.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    expect(file.prepare('SELECT count(*) AS n FROM deliveries').get()).toEqual({ n: 4 });
    expect(file.prepare('SELECT count(*) AS n FROM webhooks').get()).toEqual({ n: 1 });
  } finally {
    file.close();
  }
  // A smaller retention at the next start trims the file too.
  await start({ retainDeliveries: 2 });
  expect(await mock!.deliveries()).toHaveLength(2);
});
