import { createHmac } from 'node:crypto';
import type { RetryPolicyName } from '@titan-webhooks/sdk';
import type { DeliveryAttempt } from '@titan-webhooks/sdk/mock';
import type { DeliveryEngine } from '../../mock-server/src/model.js';
import {
  attemptGaps,
  createTestEngine,
  STORE_KINDS,
  type TestEngine,
  type TestWebhooks,
  testEvent,
} from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let server: TestServer;
  let harness: TestEngine;
  let engine: DeliveryEngine;
  let webhooks: TestWebhooks;

  beforeEach(async () => {
    server = await startTestServer((_req, res) => res.writeHead(500).end());
    harness = createTestEngine(kind);
    ({ engine, webhooks } = harness);
  });

  afterEach(async () => {
    await harness.close();
    await server.close();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** From the end of an attempt to the retry it announced: the wait the engine chose. */
  const announcedWait = (attempt: DeliveryAttempt) =>
    Date.parse(attempt.nextRetryAt!) - Date.parse(attempt.startedAt) - attempt.durationMs!;

  /**
   * A retry never comes early (the gaps between attempts), and each wait is the policy's: measured from
   * the end of the attempt to the retry it announced, which no load on the machine stretches.
   */
  function expectWaits(attempts: DeliveryAttempt[], expected: number[]): void {
    const gaps = attemptGaps(attempts);
    expect(gaps).toHaveLength(expected.length);
    expected.forEach((wait, i) => {
      const attempt = attempts[i]!;
      expect(gaps[i]).toBeGreaterThanOrEqual(wait - 1);
      const announced = announcedWait(attempt);
      expect(announced).toBeGreaterThanOrEqual(wait);
      expect(announced).toBeLessThan(wait + 25);
    });
  }

  describe('retry policies (delaySeconds 5 at time scale 0.01 = 50 ms)', () => {
    test.each<[RetryPolicyName, number[]]>([
      ['constant', [50, 50, 50]],
      ['linear', [50, 100, 150]],
      ['exponential', [50, 100, 200]],
    ])('%s waits %j ms, then the delivery fails after attempts + 1 tries', async (policy, expected) => {
      const hook = webhooks.add({ url: server.url, retries: { attempts: 3, delaySeconds: 5, policy } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', { webhookId: hook.id }, 5_000);

      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 500]);
      expectWaits(delivery!.attempts, expected);
      expect(server.requests.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3', '4']);
      expect(new Set(server.requests.map((r) => r.headers['x-webhook-delivery'])).size).toBe(1);
      // nextRetryAt announced each retry; the last failure has none.
      const starts = delivery!.attempts.map((a) => a.startedAt);
      delivery!.attempts.slice(0, -1).forEach((a, i) => {
        expect(Date.parse(a.nextRetryAt!)).toBeLessThanOrEqual(Date.parse(starts[i + 1]!));
        expect(Date.parse(a.nextRetryAt!) - Date.parse(a.startedAt)).toBeGreaterThanOrEqual(expected[i]!);
      });
      expect(delivery!.attempts.at(-1)!.nextRetryAt).toBeNull();
    });

    test('attempts: 0 means a single try; a later retries update does not change an existing schedule', async () => {
      const once = webhooks.add({ url: server.url, retries: { attempts: 0, delaySeconds: 5, policy: 'constant' } });
      const [first] = engine.emit('acct_1', testEvent());
      webhooks.update(once.id, { retries: { attempts: 2, delaySeconds: 5, policy: 'constant' } });
      const [delivery] = await engine.waitFor('acct_1', { webhookId: once.id }, 5_000);
      expect(delivery!.id).toBe(first!.id);
      expect(delivery!.attempts).toHaveLength(1);
      expect(delivery!.status).toBe('failed');
    });

    test('a 2xx after failures succeeds', async () => {
      let calls = 0;
      server.handle((_req, res) => res.writeHead(++calls < 3 ? 502 : 201).end());
      webhooks.add({ url: server.url, retries: { attempts: 5, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('succeeded');
      expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([502, 502, 201]);
      expect(delivery!.request.headers['x-webhook-attempt']).toBe('3');
    });
  });

  describe('Retry-After (time scale 0.1, delaySeconds 1 = 100 ms)', () => {
    beforeEach(async () => {
      await harness.close(0);
      harness = createTestEngine(kind, { timeScale: 0.1 });
      ({ engine, webhooks } = harness);
    });
    const retries = { attempts: 1, delaySeconds: 1, policy: 'constant' as const };

    test.each([429, 503])(
      '%i with Retry-After seconds longer than the policy waits Retry-After, scaled',
      async (status) => {
        server.handle((_req, res) => res.writeHead(status, { 'retry-after': '4' }).end());
        webhooks.add({ url: server.url, retries });
        engine.emit('acct_1', testEvent());
        const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
        const [gap] = attemptGaps(delivery!.attempts);
        expect(gap).toBeGreaterThanOrEqual(399);
        expect(announcedWait(delivery!.attempts[0]!)).toBeGreaterThanOrEqual(400);
        expect(announcedWait(delivery!.attempts[0]!)).toBeLessThan(425);
      },
    );

    test('Retry-After as an HTTP date', async () => {
      server.handle((_req, res) =>
        res.writeHead(429, { 'retry-after': new Date(Date.now() + 5_000).toUTCString() }).end(),
      );
      webhooks.add({ url: server.url, retries });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      const [gap] = attemptGaps(delivery!.attempts);
      // The date has whole seconds: between 4 and 5 s away, so 400 to 500 ms scaled.
      expect(gap).toBeGreaterThanOrEqual(399);
      expect(announcedWait(delivery!.attempts[0]!)).toBeLessThan(525);
    });

    test('a shorter Retry-After leaves the policy’s wait; other statuses ignore Retry-After', async () => {
      server.handle((req, res) =>
        res.writeHead(req.url === '/503' ? 503 : 500, { 'retry-after': req.url === '/503' ? '0' : '5' }).end(),
      );
      const short = webhooks.add({ url: `${server.url}/503`, retries: { ...retries, delaySeconds: 2 } });
      const ignored = webhooks.add({ url: `${server.url}/500`, retries });
      engine.emit('acct_1', testEvent());
      const [a] = await engine.waitFor('acct_1', { webhookId: short.id }, 5_000);
      const [b] = await engine.waitFor('acct_1', { webhookId: ignored.id }, 5_000);
      const [gapA] = attemptGaps(a!.attempts);
      const [gapB] = attemptGaps(b!.attempts);
      expect(gapA).toBeGreaterThanOrEqual(199);
      expect(announcedWait(a!.attempts[0]!)).toBeLessThan(225);
      expect(gapB).toBeGreaterThanOrEqual(99);
      expect(announcedWait(b!.attempts[0]!)).toBeLessThan(125);
    });
  });

  describe('outcomes', () => {
    test('410 Gone ends the delivery as failed without retries', async () => {
      server.handle((_req, res) => res.writeHead(410).end());
      webhooks.add({ url: server.url, retries: { attempts: 5, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 410, nextRetryAt: null })]);
      await sleep(100);
      expect(server.requests).toHaveLength(1);
    });

    test('a 302 is a failure, retried, and never followed', async () => {
      server.handle((req, res) =>
        res.writeHead(req.url === '/moved' ? 302 : 200, { location: `${server.url}/target` }).end(),
      );
      webhooks.add({ url: `${server.url}/moved`, retries: { attempts: 1, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([302, 302]);
      expect(server.requests.map((r) => r.url)).toEqual(['/moved', '/moved']);
    });

    test('a connection reset is a failed attempt with an error, retried', async () => {
      let calls = 0;
      server.handle((_req, res) => (++calls === 1 ? res.socket!.destroy() : res.writeHead(200).end()));
      webhooks.add({ url: server.url, retries: { attempts: 2, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('succeeded');
      expect(delivery!.attempts[0]).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/socket|reset|closed/i),
      });
      expect(delivery!.attempts[1]).toMatchObject({ statusCode: 200, error: null });
    });

    test('connection refused is a failed attempt, retried', async () => {
      const closed = await startTestServer();
      const url = closed.url;
      await closed.close();
      webhooks.add({ url, retries: { attempts: 1, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts.map((a) => a.error)).toEqual([
        expect.stringMatching(/^connection refused/),
        expect.stringMatching(/^connection refused/),
      ]);
    });
  });

  describe('changes between attempts', () => {
    test('a key changed between attempts signs the retry with the new key; url and headers too', async () => {
      const hook = webhooks.add({
        url: `${server.url}/old`,
        hmacKey: 'the-old-signing-key',
        retries: { attempts: 1, delaySeconds: 20, policy: 'constant' },
      });
      engine.emit('acct_1', testEvent());
      await engine.waitFor('acct_1', { settled: false }, 5_000);
      while (server.requests.length === 0) await sleep(5);
      webhooks.update(hook.id, {
        hmacKey: 'the-new-signing-key',
        url: `${server.url}/new`,
        headers: [{ name: 'X-Extra', value: 'yes' }],
      });
      server.handle((_req, res) => res.writeHead(200).end());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);

      const [first, second] = server.requests;
      const sign = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      expect(first!.headers['x-webhook-signature']).toBe(sign('the-old-signing-key', first!.body));
      expect(second!.headers['x-webhook-signature']).toBe(sign('the-new-signing-key', second!.body));
      expect(second!.body).toBe(first!.body);
      expect(second!.url).toBe('/new');
      expect(second!.headers['x-extra']).toBe('yes');
      expect(delivery!.request.url).toBe(`${server.url}/new`);
      expect(delivery!.request.headers['x-webhook-signature']).toBe(second!.headers['x-webhook-signature']);
    });

    test('a webhook deleted between attempts: the delivery is cancelled and no retry is sent', async () => {
      const hook = webhooks.add({ url: server.url, retries: { attempts: 3, delaySeconds: 20, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      while (webhooks.deliveries('acct_1')[0]?.attempts[0]?.nextRetryAt == null) await sleep(5);
      webhooks.remove(hook.id);
      const [delivery] = webhooks.deliveries('acct_1');
      expect(delivery!.status).toBe('cancelled');
      expect(delivery!.attempts).toHaveLength(1);
      expect(delivery!.attempts[0]!.nextRetryAt).toBeNull();
      await sleep(400);
      expect(server.requests).toHaveLength(1);
    });

    test('disable, then re-enable: cancelled deliveries do not resume', async () => {
      const hook = webhooks.add({ url: server.url, retries: { attempts: 3, delaySeconds: 20, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      while (webhooks.deliveries('acct_1')[0]?.attempts[0]?.nextRetryAt == null) await sleep(5);
      webhooks.update(hook.id, { enabled: false });
      webhooks.update(hook.id, { enabled: true });
      await sleep(400);
      expect(webhooks.deliveries('acct_1')[0]!.status).toBe('cancelled');
      expect(server.requests).toHaveLength(1);
    });

    test.each([
      [200, 'succeeded'],
      [500, 'cancelled'],
    ] as const)('disabled while an attempt is on the wire that answers %i: %s', async (status, outcome) => {
      let answer: (() => void) | undefined;
      server.handle((_req, res) => {
        answer = () => res.writeHead(status).end();
      });
      const hook = webhooks.add({ url: server.url, retries: { attempts: 3, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      while (answer === undefined) await sleep(5);
      webhooks.update(hook.id, { enabled: false });
      expect(webhooks.deliveries('acct_1')[0]!.status).toBe('pending');
      expect(webhooks.deliveries('acct_1')[0]!.attempts[0]!.durationMs).toBeNull();
      answer();
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe(outcome);
      expect(delivery!.attempts).toHaveLength(1);
      await sleep(100);
      expect(server.requests).toHaveLength(1);
    });
  });
});
