// Receivers that hang or trickle must not delay, or fail, the deliveries of other webhooks sharing their host:
// every webhook has its own lane (attempt slots and connections), and an attempt's timer starts
// only once its request is on a connection.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient } from '@titan-webhooks/sdk';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { Lanes } from '../../mock-server/src/delivery/lanes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('Lanes', () => {
  /** Items that finish when the test says so, recording the order they started in. */
  function controlled(limits: { perLane: number; total: number }) {
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const lanes = new Lanes<string, string>(limits, (item) => {
      started.push(item);
      return new Promise<void>((resolve) => finish.set(item, resolve));
    });
    const done = async (item: string) => {
      finish.get(item)!();
      await sleep(0);
    };
    return { lanes, started, done };
  }

  test('at most perLane runs per key, the rest in FIFO order', async () => {
    const { lanes, started, done } = controlled({ perLane: 2, total: 10 });
    for (const item of ['a1', 'a2', 'a3', 'a4']) lanes.push('a', item);
    lanes.push('b', 'b1');
    expect(started).toEqual(['a1', 'a2', 'b1']);
    await done('a2');
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    await done('a1');
    expect(started.at(-1)).toBe('a4');
  });

  test('freed slots of the total go round-robin over the keys with waiting items', async () => {
    const { lanes, started, done } = controlled({ perLane: 2, total: 2 });
    for (const item of ['a1', 'a2', 'a3', 'a4', 'a5']) lanes.push('a', item);
    for (const item of ['b1', 'b2']) lanes.push('b', item);
    lanes.push('c', 'c1');
    expect(started).toEqual(['a1', 'a2']);
    await done('a1');
    await done('a2');
    // a's backlog came first, yet b and c each get a turn before a's third item.
    expect(started.slice(2)).toEqual(['b1', 'c1']);
    await done('b1');
    await done('c1');
    expect(started.slice(4)).toEqual(['a3', 'b2']);
  });

  test('clear drops the waiting items of a key; runs in progress finish', async () => {
    const { lanes, started, done } = controlled({ perLane: 1, total: 1 });
    for (const item of ['a1', 'a2', 'a3']) lanes.push('a', item);
    lanes.push('b', 'b1');
    lanes.clear('a');
    await done('a1');
    expect(started).toEqual(['a1', 'b1']);
    await done('b1');
    lanes.push('a', 'a4');
    expect(started).toEqual(['a1', 'b1', 'a4']);
  });
});

describe('hanging receivers on a shared host', () => {
  /** Long enough that the hanging webhooks' backlog outlasts the measurement on a busy machine. */
  const DELIVERY_TIMEOUT_S = 3;
  /** A realistic receiver does some work: it makes the quiet figure stable enough to compare. */
  const HEALTHY_DELAY_MS = 40;
  const ACCOUNTS = 5;
  const tokens = Array.from({ length: ACCOUNTS + 1 }, (_, i) => `lanes-token-${i}`);
  let receiver: Server;
  let base: string;
  /** Requests of the hanging and trickling receivers, never finished. */
  const hanging: ServerResponse[] = [];
  const trickles: NodeJS.Timeout[] = [];
  let answerDelayMs = HEALTHY_DELAY_MS;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      if (req.url === '/hang') return void hanging.push(res);
      if (req.url === '/trickle') {
        // A status at once, then a body that never ends.
        res.writeHead(200, { 'content-type': 'text/plain' });
        hanging.push(res);
        trickles.push(setInterval(() => res.write('.'), 100));
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-length': '0' }).end(), answerDelayMs);
    });
    receiver.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  let mock: MockServer;
  beforeEach(async () => {
    mock = await startMockServer({
      port: 0,
      tokens,
      allowPrivateUrls: true,
      deliveryTimeout: DELIVERY_TIMEOUT_S,
      logLevel: 'silent',
    });
  });
  afterEach(async () => {
    await mock.close();
    trickles.splice(0).forEach(clearInterval);
    for (const res of hanging.splice(0)) res.destroy();
  });

  /**
   * Emits `count` events at once and measures, for each, the time from the emit call to the end of
   * its delivery's attempt (a delivery that waited for a slot or a connection shows that wait).
   */
  async function healthyLatencies(webhookId: number, count: number): Promise<number[]> {
    const emittedAt = new Map<string, number>();
    const already = (await mock.deliveries({ webhookId })).length;
    await Promise.all(
      Array.from({ length: count }, async () => {
        const started = Date.now();
        const { deliveries } = await mock.emit('presence.update');
        emittedAt.set(deliveries[0]!.id, started);
      }),
    );
    const settled = await mock.waitForDeliveries({ webhookId, count: already + count }, 20_000);
    return settled
      .filter((delivery) => emittedAt.has(delivery.id))
      .map(({ id, attempts: [first] }) => Date.parse(first!.startedAt) + first!.durationMs! - emittedAt.get(id)!);
  }

  test.each([10, 20])(
    '%i hanging or trickling webhooks of other accounts with 500 pending deliveries',
    async (hangingCount) => {
      const healthyHook = await createTitanClient({ baseUrl: mock.url, token: tokens[0]! }).webhooks.create({
        url: `${base}/ok`,
        events: ['presence.update'],
        retries: { attempts: 0 },
      });
      await healthyLatencies(healthyHook.id, 10); // warm-up: connections, compiled code
      const quiet = median(await healthyLatencies(healthyHook.id, 10));

      // The hanging webhooks (half of them trickling) are spread over several accounts; each account's
      // events fan out to all of its own.
      const perAccount = hangingCount / ACCOUNTS;
      const eventsPerAccount = 500 / hangingCount;
      await Promise.all(
        tokens.slice(1).map(async (token) => {
          const titan = createTitanClient({ baseUrl: mock.url, token });
          for (let i = 0; i < perAccount; i++) {
            await titan.webhooks.create({
              url: `${base}/${i % 2 === 0 ? 'hang' : 'trickle'}`,
              events: ['message.received'],
              retries: { attempts: 0 },
            });
          }
          const control = createMockControl({ baseUrl: mock.url, token, retry: false });
          await Promise.all(Array.from({ length: eventsPerAccount }, () => control.emit('message.received')));
        }),
      );
      // Every hanging webhook fills its own slots: 8 attempts each on the wire.
      while (hanging.length < hangingCount * 8) await sleep(10);

      const loaded = await healthyLatencies(healthyHook.id, 10);
      const waiting = await createMockControl({ baseUrl: mock.url, token: tokens[1]!, retry: false }).deliveries({
        status: 'pending',
      });
      expect(median(loaded)).toBeLessThan(quiet * 3);
      const delivered = await mock.deliveries({ webhookId: healthyHook.id });
      expect(delivered).toHaveLength(30);
      for (const delivery of delivered) {
        expect(delivery.status).toBe('succeeded');
        expect(delivery.attempts).toEqual([expect.objectContaining({ statusCode: 200, error: null })]);
      }
      // The hanging webhooks still had deliveries waiting their turn while the healthy one was measured.
      expect(waiting.filter((delivery) => delivery.attempts.length === 0).length).toBeGreaterThan(0);
    },
    30_000,
  );

  test('back-to-back attempts of one webhook never wait for a connection inside their timer', async () => {
    // Each answer takes 60% of the timeout: an attempt that also waited for a connection held by the
    // previous one would overrun it.
    answerDelayMs = DELIVERY_TIMEOUT_S * 600;
    const hook = await createTitanClient({ baseUrl: mock.url, token: tokens[0]! }).webhooks.create({
      url: `${base}/slow`,
      events: ['presence.update'],
      retries: { attempts: 0 },
    });
    // 16 deliveries: two waves over the webhook's 8 slots and connections.
    await Promise.all(Array.from({ length: 16 }, () => mock.emit('presence.update')));
    const delivered = await mock.waitForDeliveries({ webhookId: hook.id, count: 16 }, 15_000);
    for (const delivery of delivered) {
      expect(delivery.status).toBe('succeeded');
      expect(delivery.attempts[0]!.durationMs).toBeLessThan(DELIVERY_TIMEOUT_S * 1000);
    }
  }, 30_000);
});
