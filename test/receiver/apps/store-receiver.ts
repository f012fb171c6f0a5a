/**
 * A receiver process for the shared-store tests: node:http + titanWebhooks with the Postgres or Redis
 * dedupe store. Each handler run appends a line to RUNS_FILE; the header x-test-behaviour makes the
 * handler fail ('fail') or never finish ('hang'), as a crashing or stuck process would.
 * Prints {"port": n} once listening.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { DedupeStore } from '@titan-webhooks/receiver';
import { titanWebhooks } from '@titan-webhooks/receiver';
import { createPostgresDedupeStore } from '@titan-webhooks/receiver/postgres';
import { createRedisDedupeStore } from '@titan-webhooks/receiver/redis';

const { STORE, STORE_URL, HMAC_KEY, RUNS_FILE, LEASE_SECONDS, TABLE } = process.env;
if (!STORE_URL || !HMAC_KEY || !RUNS_FILE) throw new Error('STORE_URL, HMAC_KEY and RUNS_FILE are required');

const store: DedupeStore =
  STORE === 'postgres'
    ? createPostgresDedupeStore({ connectionString: STORE_URL }, { table: TABLE })
    : createRedisDedupeStore({ url: STORE_URL }, { prefix: TABLE });

const record = (line: string) => appendFileSync(RUNS_FILE, `${line}\n`);

const middleware = titanWebhooks({
  hmacKey: HMAC_KEY,
  dedupe: store,
  claimLeaseSeconds: Number(LEASE_SECONDS ?? 300),
  onEvent: async (event, req: IncomingMessage) => {
    const behaviour = req.headers['x-test-behaviour'];
    record(`started ${event.id} ${process.pid}`);
    if (behaviour === 'hang') return new Promise(() => undefined);
    // Long enough for the duplicates sent at the same time to arrive while this one runs.
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (behaviour === 'fail') throw new Error('the handler failed on purpose');
    record(`ran ${event.id} ${process.pid}`);
  },
});

// Its stdin is a pipe from the test: when the test process ends, however it ends, so does this one.
process.stdin.on('close', () => process.exit(0)).resume();
const server = createServer((req, res) => middleware(req, res));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
