import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type DedupeStore, MemoryDedupeStore, titanWebhooks } from '@titan-webhooks/receiver';
import { createPostgresDedupeStore } from '@titan-webhooks/receiver/postgres';
import { createRedisDedupeStore } from '@titan-webhooks/receiver/redis';
import { createEvent } from '@titan-webhooks/sdk';
import type autocannon from 'autocannon';
import { type Backend, hasRedisServer, startPglite, startRedisServer } from '../test/receiver/store-backends.js';
import { close, listen, requestsPerSecond } from './http-load.js';
import { type Bench, figure, interleaved } from './lib.js';

const HMAC_KEY = 'bench-signing-key-0123456789';
const CONNECTIONS = 50;
const PGLITE_SERVER = fileURLToPath(new URL('../test/receiver/apps/pglite-server.ts', import.meta.url));

/**
 * Every request a new event, as Titan's deliveries are: each costs the store a claim and a complete.
 * Signed here, synchronously, because autocannon builds requests without awaiting.
 */
function freshDeliveries(): autocannon.Request[] {
  const template = createEvent('message.received');
  let sequence = 0;
  return [
    {
      method: 'POST',
      setupRequest: (request) => {
        const body = JSON.stringify({ ...template, id: `evt_bench_${process.pid}_${++sequence}` });
        const signature = `sha256=${createHmac('sha256', HMAC_KEY).update(body).digest('hex')}`;
        return {
          ...request,
          body,
          headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
        };
      },
    },
  ];
}

async function receiverWith(store: DedupeStore) {
  const middleware = titanWebhooks({ hmacKey: HMAC_KEY, dedupe: store, onEvent: () => undefined });
  const server = createServer((req, res) => middleware(req, res));
  const url = await listen(server);
  const load = () =>
    requestsPerSecond({ url, requests: freshDeliveries(), connections: CONNECTIONS, durationSeconds: 4 });
  return { server, load };
}

export const dedupeStoresBench: Bench = {
  name: 'receiver dedupe stores',
  async run() {
    // The databases run in their own processes, as they would in production: PGlite's work must not
    // share this event loop with the receiver being measured.
    const postgresBackend = await startPglite(PGLITE_SERVER);
    const redisBackend = hasRedisServer() ? await startRedisServer() : undefined;
    if (redisBackend === undefined) {
      process.stderr.write('Redis store figure skipped: no redis-server on PATH (apt-get install redis-server)\n');
    }
    const backends: Backend[] = [postgresBackend, ...(redisBackend ? [redisBackend] : [])];
    const postgres = createPostgresDedupeStore(
      { connectionString: postgresBackend.url },
      { table: 'titan_bench_events' },
    );
    const redis = redisBackend && createRedisDedupeStore({ url: redisBackend.url });
    // A real PostgreSQL too when there is one: PGlite answers one query at a time.
    const { DATABASE_URL } = process.env;
    const realPostgres = DATABASE_URL
      ? createPostgresDedupeStore({ connectionString: DATABASE_URL }, { table: 'titan_bench_events' })
      : undefined;
    const stores: Array<[string, DedupeStore]> = [
      ['Postgres store (PGlite over TCP, one query at a time)', postgres],
      ...(redis ? [['Redis store (redis-server)', redis] as [string, DedupeStore]] : []),
      ...(realPostgres ? [['Postgres store (PostgreSQL at DATABASE_URL)', realPostgres] as [string, DedupeStore]] : []),
    ];
    const baselineReceiver = await receiverWith(new MemoryDedupeStore());
    const receivers = [baselineReceiver, ...(await Promise.all(stores.map(([, store]) => receiverWith(store))))];
    try {
      const [memory, ...rates] = await interleaved(
        receivers.map((receiver) => receiver.load),
        2,
      );
      return stores.map(([name], i) =>
        figure({
          name: `receiver req/s, ${name}`,
          value: rates[i]!,
          unit: 'req/s',
          baseline: `the same receiver with the in-memory store, c=${CONNECTIONS}`,
          baselineValue: memory!,
          target: '>= 0.5',
          atLeast: 0.5,
          notes: 'every request a new event: a claim and a complete per request',
        }),
      );
    } finally {
      for (const { server } of receivers) await close(server);
      await postgres.close();
      await redis?.close();
      await realPostgres?.close();
      for (const backend of backends) await backend.stop();
    }
  },
};
