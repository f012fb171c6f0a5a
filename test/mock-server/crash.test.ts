// SIGKILL under load: the real CLI with a --data file is killed at a random moment and restarted on
// the same file. Whatever was acknowledged (202) is delivered exactly once per matching webhook.
import type { Delivery } from '@titan-webhooks/sdk/mock';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { start, stop } from '../helpers/cli.js';
import { tempDataFile } from '../helpers/delivery-engine.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

const EVENTS = 1_000;
const CONCURRENCY = 32;
const TOKEN = 'tok_crash';
const SEEDS = [1, 2, 3];

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Acknowledged {
  eventId: string;
  deliveries: { id: string; webhookId: number }[];
}

async function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Emits until `EVENTS` are sent or the server dies; returns the emits answered 202. */
async function load(url: string, onAcknowledged: (count: number) => void): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        next++;
        try {
          const res = await post(url, '/_mock/events', { event: 'message.received' });
          if (res.status !== 202) throw new Error(`emit answered ${res.status}`);
          const { data } = await res.json();
          acknowledged.push({ eventId: data.event.id, deliveries: data.deliveries });
          onAcknowledged(acknowledged.length);
        } catch (error) {
          if ((error as Error).message.startsWith('emit answered')) throw error;
          return; // the server was killed: this emit was never acknowledged
        }
      }
    }),
  );
  return acknowledged;
}

let receiver: TestServer;
/** Event ids each receiver path saw, whatever it answered. */
const seen = new Map<string, Set<string>>();

beforeAll(async () => {
  receiver = await startTestServer();
});
afterAll(() => receiver.close());

test.each(SEEDS)(
  'seed %i: nothing acknowledged is lost or delivered twice',
  async (seed) => {
    const rand = random(seed);
    seen.clear();
    receiver.handle((req, res) => {
      const path = req.url;
      if (!seen.has(path)) seen.set(path, new Set());
      seen.get(path)!.add(String(req.headers['x-webhook-id']));
      res.writeHead(path === '/flaky' && rand() < 0.5 ? 500 : 200).end();
    });
    const data = tempDataFile();
    const args = [
      ...['--port', '0', '--token', TOKEN, '--data', data.file, '--allow-private-urls', '--time-scale', '0.01'],
      // Thousands of attempt lines would only cost time here.
      ...['--log-level', 'error'],
    ];
    try {
      const first = await start(args);
      const paths = ['/a', '/b', '/flaky'];
      for (const path of paths) {
        const res = await post(first.info.url, '/api/webhooks', {
          url: `${receiver.url}${path}`,
          retries: { attempts: 3, delaySeconds: 1, policy: 'exponential' },
        });
        expect(res.status).toBe(201);
      }
      // A random moment of the load, counted in acknowledged emits so that it falls inside the load
      // however fast the machine: between 10% and 60% of the events, attempts and retries in full flow.
      const killAt = Math.floor(EVENTS * (0.1 + rand() * 0.5));
      let killed: Promise<unknown> | undefined;
      const acknowledged = await load(first.info.url, (count) => {
        if (count === killAt) killed = stop(first.child, 'SIGKILL');
      });
      await killed;
      expect(acknowledged.length).toBeGreaterThanOrEqual(killAt);
      expect(acknowledged.length).toBeLessThan(EVENTS);

      const second = await start(args);
      try {
        const control = createMockControl({ baseUrl: second.info.url, token: TOKEN, retry: false });
        while ((await control.deliveriesPage({ status: 'pending', limit: 1 })).data.length > 0) await sleep(50);
        const all = await control.deliveries();

        // No delivery is recorded twice, and no event reached a webhook through two deliveries.
        expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
        const byEventAndWebhook = new Map<string, Delivery>();
        for (const delivery of all) {
          const key = `${delivery.eventId}/${delivery.webhookId}`;
          expect(byEventAndWebhook.has(key)).toBe(false);
          byEventAndWebhook.set(key, delivery);
        }
        // Every acknowledged event has one settled delivery per webhook, and every receiver saw it.
        const byId = new Map(all.map((d) => [d.id, d]));
        for (const { eventId, deliveries } of acknowledged) {
          expect(deliveries.map((d) => d.webhookId)).toEqual([1, 2, 3]);
          for (const { id } of deliveries) {
            const delivery = byId.get(id);
            expect(delivery).toMatchObject({ eventId });
            expect(['succeeded', 'failed']).toContain(delivery!.status);
          }
          for (const path of paths) expect(seen.get(path)?.has(eventId)).toBe(true);
        }
        // Ids continue after the restart.
        const created = await post(second.info.url, '/api/webhooks', { url: `${receiver.url}/late` });
        expect((await created.json()).data.id).toBe(4);
        const late = await control.emit('message.received');
        expect(late.deliveries).toHaveLength(4);
        for (const { id } of late.deliveries) expect(byId.has(id)).toBe(false);
        const page = await control.deliveriesPage({ limit: 1000, webhookId: 4 });
        expect(page.data.map((d) => d.id)).toEqual([late.deliveries[3]!.id]);
      } finally {
        await stop(second.child);
      }
    } finally {
      data.remove();
    }
  },
  60_000,
);
