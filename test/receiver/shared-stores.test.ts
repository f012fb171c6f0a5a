/**
 * The Postgres and Redis dedupe stores, shared by four receiver processes: duplicates of one event
 * spread across them run the handler once; a failed handler frees the event for a retry; a process
 * killed mid-handler frees it when its lease ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DedupeStore } from '@titan-webhooks/receiver';
import { createPostgresDedupeStore } from '@titan-webhooks/receiver/postgres';
import { createRedisDedupeStore } from '@titan-webhooks/receiver/redis';
import { buildTestDelivery, type TestDelivery } from '@titan-webhooks/sdk';
import { type Backend, bundleApp, firstLine, hasRedisServer, startPglite, startRedisServer } from './store-backends.js';

// Bundled once for every process of every backend.
const app = bundleApp(join(__dirname, 'apps', 'store-receiver.ts'));

const HMAC_KEY = 'shared-store-key-0123456789';
// Short, so the killed-process test is quick; long enough that the first retry surely falls inside it.
const LEASE_SECONDS = 2;
const PROCESSES = 4;

interface Case {
  name: string;
  store: 'postgres' | 'redis';
  start(): Promise<Backend>;
}

const existing = (url: string) => async (): Promise<Backend> => ({ url, stop: async () => undefined });

function redisCase(): Case | undefined {
  if (process.env.REDIS_URL)
    return { name: 'Redis at REDIS_URL', store: 'redis', start: existing(process.env.REDIS_URL) };
  if (hasRedisServer()) return { name: 'Redis (redis-server)', store: 'redis', start: startRedisServer };
  return undefined;
}

const redis = redisCase();
const cases: Case[] = [
  { name: 'Postgres (PGlite)', store: 'postgres', start: startPglite },
  ...(process.env.DATABASE_URL
    ? [{ name: 'PostgreSQL at DATABASE_URL', store: 'postgres' as const, start: existing(process.env.DATABASE_URL) }]
    : []),
  ...(redis ? [redis] : []),
];

if (redis === undefined) {
  if (process.env.CI) {
    test('redis-server is installed (CI runs the Redis store suite)', () => {
      throw new Error('no redis-server on PATH and no REDIS_URL: install it with apt-get install redis-server');
    });
  } else {
    // Written straight to stderr: one line, without the stack jest adds to console output.
    process.stderr.write(
      'Redis dedupe store suite skipped: no redis-server on PATH and no REDIS_URL (apt-get install redis-server, or set REDIS_URL)\n',
    );
  }
}

function storeFor(c: Case, url: string, name: string): DedupeStore & { close(): Promise<void> } {
  return c.store === 'postgres'
    ? createPostgresDedupeStore({ connectionString: url }, { table: name })
    : createRedisDedupeStore({ url }, { prefix: `${name}:` });
}

interface Receiver {
  port: number;
  child: ChildProcess;
}

async function startReceiver(c: Case, url: string, table: string, runsFile: string): Promise<Receiver> {
  const child = spawn(process.execPath, [await app], {
    env: {
      ...process.env,
      STORE: c.store,
      STORE_URL: url,
      TABLE: c.store === 'postgres' ? table : `${table}:`,
      HMAC_KEY,
      RUNS_FILE: runsFile,
      LEASE_SECONDS: String(LEASE_SECONDS),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return firstLine(child, 20_000).then((line) => ({ port: (JSON.parse(line) as { port: number }).port, child }));
}

async function post(receiver: Receiver, delivery: TestDelivery, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${receiver.port}/`, {
    method: 'POST',
    headers: { ...delivery.headers, ...headers },
    body: delivery.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(cases)('$name dedupe store', (c) => {
  const table = `titan_test_${process.pid}_${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'titan-store-'));
  const runsFile = join(dir, 'runs.log');
  let backend: Backend;
  let receivers: Receiver[] = [];
  const runs = (id: string, what: 'started' | 'ran') =>
    readFileSync(runsFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${what} ${id} `));

  beforeAll(async () => {
    writeFileSync(runsFile, '');
    backend = await c.start();
    receivers = await Promise.all(
      Array.from({ length: PROCESSES }, () => startReceiver(c, backend.url, table, runsFile)),
    );
  }, 120_000);

  afterAll(async () => {
    for (const { child } of receivers) child.kill('SIGKILL');
    // A database of DATABASE_URL outlives the suite: leave no tables behind.
    if (c.store === 'postgres' && backend !== undefined) {
      const { Pool } = await import('pg');
      const pool = new Pool({ connectionString: backend.url });
      await pool.query(`DROP TABLE IF EXISTS "${table}", "${table}_direct"`);
      await pool.end();
    }
    await backend?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('claim, complete and release keep their meaning, and the lease runs out', async () => {
    const store = storeFor(c, backend.url, `${table}_direct`);
    try {
      expect(await store.claim('evt_a', LEASE_SECONDS)).toBe('claimed');
      expect(await store.claim('evt_a', LEASE_SECONDS)).toBe('in_progress');
      await store.release('evt_a');
      expect(await store.claim('evt_a', LEASE_SECONDS)).toBe('claimed');
      await store.complete('evt_a', 60);
      expect(await store.claim('evt_a', LEASE_SECONDS)).toBe('handled');
      // Releasing a handled event (a late failure report) must not forget that it was handled.
      await store.release('evt_a');
      expect(await store.claim('evt_a', LEASE_SECONDS)).toBe('handled');
      expect(await store.claim('evt_b', 0.2)).toBe('claimed');
      await sleep(400);
      expect(await store.claim('evt_b', LEASE_SECONDS)).toBe('claimed');
    } finally {
      await store.close();
    }
  });

  test('20 duplicates sent at once across 4 processes run the handler exactly once', async () => {
    const delivery = await buildTestDelivery('message.received', undefined, { hmacKey: HMAC_KEY });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(receivers[i % PROCESSES]!, delivery)));
    const handled = answers.filter((a) => a.status === 200 && a.body.duplicate === undefined);
    expect(handled).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 200) continue;
      expect(answer).toEqual({ status: 409, body: expect.objectContaining({ code: 'delivery_in_progress' }) });
    }
    expect(runs(delivery.event.id, 'ran')).toHaveLength(1);
    // Titan's retry of a 409 comes after the first delivery finished: a duplicate, not a second run.
    expect(await post(receivers[3]!, delivery)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(runs(delivery.event.id, 'started')).toHaveLength(1);
  });

  test('a failing handler releases its claim, so the retry runs it in another process', async () => {
    const delivery = await buildTestDelivery('session.status', undefined, { hmacKey: HMAC_KEY });
    expect((await post(receivers[0]!, delivery, { 'x-test-behaviour': 'fail' })).status).toBe(500);
    expect(runs(delivery.event.id, 'ran')).toHaveLength(0);
    expect(await post(receivers[1]!, delivery)).toEqual({ status: 200, body: { received: true } });
    expect(runs(delivery.event.id, 'started')).toHaveLength(2);
    expect(runs(delivery.event.id, 'ran')).toHaveLength(1);
  });

  test('a process killed mid-handler frees the event when its lease ends', async () => {
    const delivery = await buildTestDelivery('message.sent', undefined, { hmacKey: HMAC_KEY });
    const victim = receivers[2]!;
    post(victim, delivery, { 'x-test-behaviour': 'hang' }).catch(() => undefined);
    while (runs(delivery.event.id, 'started').length === 0) await sleep(10);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    let answer = await post(receivers[0]!, delivery);
    // The dead process's claim still holds: without the lease this retry would run the handler at once.
    expect(answer.body).toMatchObject({ code: 'delivery_in_progress' });
    while (answer.status === 409 && Date.now() - killedAt < 10_000) {
      await sleep(100);
      answer = await post(receivers[0]!, delivery);
    }
    expect(answer).toEqual({ status: 200, body: { received: true } });
    expect(Date.now() - killedAt).toBeLessThan((LEASE_SECONDS + 3) * 1000);
    expect(runs(delivery.event.id, 'started')).toHaveLength(2);
    expect(runs(delivery.event.id, 'ran')).toHaveLength(1);
  });
});

test.each([['bad-name'], ['a.b.c'], ['1table'], ['x; DROP TABLE y']])(
  'createPostgresDedupeStore refuses the table name %j',
  (table) => {
    expect(() => createPostgresDedupeStore({ connectionString: 'postgresql://127.0.0.1/x' }, { table })).toThrow(
      TypeError,
    );
  },
);
