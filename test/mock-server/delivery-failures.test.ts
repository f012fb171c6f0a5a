import type { ServerResponse } from 'node:http';
import type { DeliveryEngine } from '../../mock-server/src/model.js';
import {
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
  const open: ServerResponse[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeEach(async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/hang') return void open.push(res);
      if (req.url === '/trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        open.push(res);
        timers.push(setInterval(() => res.write('.'), 20));
        return;
      }
      if (req.url === '/big') {
        // 10 MB answered at once: read up to a small cap, then the connection is dropped.
        res.writeHead(200, { 'content-length': 10_000_000 });
        res.end(Buffer.alloc(10_000_000));
        return;
      }
      res.writeHead(204).end();
    });
    harness = createTestEngine(kind, { deliveryTimeoutMs: 200 });
    ({ engine, webhooks } = harness);
  });

  afterEach(async () => {
    timers.splice(0).forEach(clearInterval);
    open.splice(0);
    await harness.close(500);
    await server.close();
  });

  const noRetry = { attempts: 0, delaySeconds: 1, policy: 'constant' as const };

  describe('timeouts cover the whole exchange', () => {
    test.each(['/hang', '/trickle'])('%s ends as a timeout after deliveryTimeoutMs, then retries', async (path) => {
      const hook = webhooks.add({
        url: server.url + path,
        retries: { attempts: 1, delaySeconds: 1, policy: 'constant' },
      });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', { webhookId: hook.id }, 5_000);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts).toHaveLength(2);
      for (const attempt of delivery!.attempts) {
        expect(attempt.error).toMatch(/^timeout/);
        expect(attempt.durationMs).toBeGreaterThanOrEqual(195);
        expect(attempt.durationMs).toBeLessThan(600);
      }
      // The trickling receiver had sent its status before the time ran out.
      expect(delivery!.attempts[0]!.statusCode).toBe(path === '/trickle' ? 200 : null);
    });

    test('a large response body is not buffered: the status decides', async () => {
      webhooks.add({ url: `${server.url}/big`, retries: noRetry });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('succeeded');
      expect(delivery!.attempts[0]).toMatchObject({ statusCode: 200, error: null });
    });
  });

  describe('concurrency', () => {
    test('a hanging receiver never delays another webhook', async () => {
      // A longer timeout than the other tests: the healthy webhook's attempts must not fail on a loaded machine.
      await harness.close(500);
      harness = createTestEngine(kind, { deliveryTimeoutMs: 1_000 });
      ({ engine, webhooks } = harness);
      const hang = webhooks.add({ url: `${server.url}/hang`, events: ['presence.update'], retries: noRetry });
      const ok = webhooks.add({ url: `${server.url}/ok`, events: ['presence.update'], retries: noRetry });
      for (let i = 0; i < 30; i++) engine.emit('acct_1', testEvent('presence.update'));
      const done = await engine.waitFor('acct_1', { webhookId: ok.id, count: 30 }, 5_000);
      expect(done.every((d) => d.status === 'succeeded' && d.attempts.length === 1)).toBe(true);
      // All 30 went through while the hanging webhook still held its first 8 attempts: nothing waited for it.
      expect(server.requests.filter((r) => r.url === '/hang')).toHaveLength(8);
      const hung = webhooks.deliveries('acct_1', { webhookId: hang.id });
      expect(hung.filter((d) => d.attempts.length === 1 && d.status === 'pending')).toHaveLength(8);
      expect(hung.filter((d) => d.attempts.length === 0)).toHaveLength(22);
      // Each timeout frees a slot for the next one, in order.
      const failed = await engine.waitFor('acct_1', { webhookId: hang.id, count: 30 }, 10_000);
      expect(failed.every((d) => d.status === 'failed' && /^timeout/.test(d.attempts[0]!.error!))).toBe(true);
    }, 20_000);
  });

  describe('cancellation of queued attempts', () => {
    test('deleting a webhook cancels its queued attempts; those on the wire complete', async () => {
      const hang = webhooks.add({ url: `${server.url}/hang`, retries: noRetry });
      for (let i = 0; i < 10; i++) engine.emit('acct_1', testEvent());
      await new Promise((resolve) => setTimeout(resolve, 50));
      webhooks.remove(hang.id);
      const statuses = webhooks.deliveries('acct_1').map((d) => d.status);
      expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(2);
      const all = await engine.waitFor('acct_1', { count: 10 }, 5_000);
      expect(all.filter((d) => d.status === 'cancelled')).toHaveLength(10);
      expect(server.requests).toHaveLength(8);
    });
  });

  describe('SSRF at connect time', () => {
    test('without allowPrivateUrls a loopback receiver never gets a request', async () => {
      await harness.close(0);
      harness = createTestEngine(kind, { allowPrivateUrls: false });
      ({ engine, webhooks } = harness);
      webhooks.add({ url: `${server.url}/ok`, retries: { attempts: 1, delaySeconds: 1, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      const [delivery] = await engine.waitFor('acct_1', {}, 5_000);
      expect(delivery!.status).toBe('failed');
      expect(delivery!.attempts).toHaveLength(2);
      for (const attempt of delivery!.attempts) {
        expect(attempt.statusCode).toBeNull();
        expect(attempt.error).toMatch(/^blocked by SSRF protection: .*127\.0\.0\.1.*loopback/);
      }
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('close', () => {
    test('leaves pending retries pending, lets attempts on the wire finish within the grace period', async () => {
      let answer: (() => void) | undefined;
      server.handle((req, res) => {
        if (req.url === '/slow') answer = () => res.writeHead(200).end();
        else res.writeHead(500).end();
      });
      webhooks.add({ url: `${server.url}/slow`, retries: noRetry });
      webhooks.add({ url: `${server.url}/fail`, retries: { attempts: 3, delaySeconds: 60, policy: 'constant' } });
      engine.emit('acct_1', testEvent());
      while (answer === undefined || server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const closing = engine.close(1_000);
      setTimeout(() => answer!(), 50);
      await closing;
      const [slow, failing] = webhooks.deliveries('acct_1');
      expect(slow!.status).toBe('succeeded');
      // Kept for the next start of a store that outlives the process; no retry runs meanwhile.
      expect(failing!.status).toBe('pending');
      expect(failing!.attempts).toHaveLength(1);
      expect(() => engine.emit('acct_1', testEvent())).toThrow(/closed/);
    });
  });
});
