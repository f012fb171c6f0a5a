// The --data store against the in-memory one, same loads in the same run: delivery throughput,
// emit latency over HTTP, memory over a long run at the default retention, restart time.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer } from '@titan-webhooks/mock-server';
import { createEvent } from '@titan-webhooks/sdk';
import { AttemptRecord, type EventBody } from '../mock-server/src/delivery/records.js';
import { addWebhook, benchEngine, benchStore } from './fixtures.js';
import { close, listen } from './http-load.js';
import { type Bench, figure, interleaved, percentile } from './lib.js';

const EVENTS = 5_000;
const WEBHOOKS = 4;
/** Events of the long run: about three minutes here; BENCH_RETENTION_EVENTS=200000 for a quick look. */
const LONG_RUN_EVENTS = Number(process.env.BENCH_RETENTION_EVENTS ?? 1_000_000);
const SHORT_RUN_EVENTS = 20_000;
const RESTART_PENDING = 100_000;

function tempFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'titan-bench-store-'));
  return { file: join(dir, 'mock.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function fastReceiver() {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
  });
}

/** Deliveries per second of the engine over a store (a fresh file, or memory), to a receiver that answers at once. */
async function deliveriesPerSecond(url: string, withFile: boolean): Promise<number> {
  const data = withFile ? tempFile() : undefined;
  // Every delivery kept, so that waitFor can count them all.
  const store = benchStore(data?.file, EVENTS * WEBHOOKS);
  const engine = benchEngine(store);
  for (let i = 0; i < WEBHOOKS; i++) addWebhook(store, { url });
  const events = Array.from({ length: EVENTS }, () => createEvent('message.received'));
  const start = performance.now();
  for (const event of events) engine.emit('bench', event);
  await engine.waitFor('bench', { count: EVENTS * WEBHOOKS, status: 'succeeded' }, 300_000);
  const perSecond = (EVENTS * WEBHOOKS * 1000) / (performance.now() - start);
  await engine.close(5_000);
  store.close();
  data?.remove();
  return perSecond;
}

/** p50 of emit -> 202 over HTTP, one emit at a time, to one webhook. */
async function emitLatencyP50(url: string, withFile: boolean): Promise<number> {
  const data = withFile ? tempFile() : undefined;
  const mock = await startMockServer({ port: 0, logLevel: 'silent', allowPrivateUrls: true, dataFile: data?.file });
  const headers = { authorization: `Bearer ${mock.token}`, 'content-type': 'application/json' };
  await fetch(`${mock.url}/api/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url }) });
  const latencies: number[] = [];
  for (let i = 0; i < 400; i++) {
    const start = performance.now();
    const res = await fetch(`${mock.url}/_mock/events`, {
      method: 'POST',
      headers,
      body: '{"event":"message.received"}',
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - start);
    if (res.status !== 202) throw new Error(`emit answered ${res.status}`);
  }
  await mock.close();
  data?.remove();
  return percentile(latencies.slice(50), 50);
}

/** RSS at rest: full collections with pauses between, so V8's memory reducer can return freed pages. */
async function settledRss(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return process.memoryUsage().rss;
}

/** RSS after SHORT_RUN_EVENTS and after LONG_RUN_EVENTS delivered events, at the default retention. */
async function rssOverALongRun(url: string): Promise<{ short: number; long: number }> {
  const store = benchStore();
  const engine = benchEngine(store);
  addWebhook(store, { url });
  let delivered = 0;
  let short = 0;
  const batch = 2_000;
  while (delivered < LONG_RUN_EVENTS) {
    const last = [];
    for (let i = 0; i < batch; i++) last.push(...engine.emit('bench', createEvent('message.received')));
    delivered += batch;
    // Attempts to one webhook start in order: once the batch's newest has settled, the batch has.
    while (store.delivery('bench', last.at(-1)!.id)?.status === 'pending') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (delivered === SHORT_RUN_EVENTS) short = await settledRss();
  }
  const long = await settledRss();
  await engine.close(5_000);
  store.close();
  return { short, long };
}

/**
 * Milliseconds from startMockServer to listening, on a file with `pending` deliveries whose first
 * attempt failed and whose retry is due in an hour: events fanned out to 100 webhooks, as in the
 * pending retry memory bench.
 */
async function restartMs(pending: number): Promise<number> {
  const data = tempFile();
  try {
    const store = benchStore(data.file);
    const hooks = Array.from({ length: 100 }, () => addWebhook(store, { url: 'http://127.0.0.1:9/refused' }));
    let shared: EventBody | undefined;
    for (let i = 0; i < pending; i++) {
      const hook = hooks[i % hooks.length]!;
      if (i % hooks.length === 0) {
        const event = createEvent('message.received');
        const body = JSON.stringify(event);
        shared = {
          id: event.id,
          event: event.event,
          session: event.session,
          body,
          byteLength: Buffer.byteLength(body),
        };
      }
      const state = store.createDelivery({
        accountId: 'bench',
        webhookId: hook.id,
        event: shared!,
        retries: hook.retries,
        url: hook.url,
      });
      const attempt = new AttemptRecord(1, Date.now());
      attempt.durationMs = 1;
      attempt.error = 'connection refused';
      attempt.nextRetryAt = Date.now() + 3_600_000;
      state.due = attempt.nextRetryAt;
      state.addAttempt(attempt);
      store.deliveryChanged(state);
    }
    store.close();
    const start = performance.now();
    const mock = await startMockServer({ port: 0, logLevel: 'silent', dataFile: data.file, tokens: ['bench'] });
    const elapsed = performance.now() - start;
    await mock.close();
    return elapsed;
  } finally {
    data.remove();
  }
}

export const storeBench: Bench = {
  name: 'data file store',
  async run() {
    if (!global.gc) throw new Error('run with --expose-gc (npm run bench does)');
    const receiver = fastReceiver();
    const url = `${await listen(receiver)}/hook`;
    const [withFile, inMemory] = await interleaved(
      [() => deliveriesPerSecond(url, true), () => deliveriesPerSecond(url, false)],
      2,
    );
    const [fileP50, memoryP50] = await interleaved(
      [() => emitLatencyP50(url, true), () => emitLatencyP50(url, false)],
      3,
    );
    const { short, long } = await rssOverALongRun(url);
    const emptyStart = await restartMs(0);
    const fullStart = await restartMs(RESTART_PENDING);
    await close(receiver);
    const mib = (bytes: number) => bytes / 2 ** 20;
    return [
      figure({
        name: `deliveries/s with a data file, ${EVENTS} events to ${WEBHOOKS} webhooks`,
        value: withFile,
        unit: 'deliveries/s',
        baseline: 'the same load in memory',
        baselineValue: inMemory,
        target: '>= 0.5',
        atLeast: 0.5,
      }),
      figure({
        name: 'emit -> 202 p50 with a data file',
        value: fileP50,
        unit: 'ms',
        baseline: 'in memory',
        baselineValue: memoryP50,
        target: '<= 3',
        atMost: 3,
      }),
      figure({
        name: `RSS after ${LONG_RUN_EVENTS.toLocaleString('en-US')} delivered events, default retention`,
        value: mib(long),
        unit: 'MiB',
        baseline: `after ${SHORT_RUN_EVENTS.toLocaleString('en-US')} events`,
        baselineValue: mib(short),
        target: '<= 1.3',
        atMost: 1.3,
        notes: 'measured at rest, after collections; BENCH_RETENTION_EVENTS sets the long run',
      }),
      figure({
        name: `start on a file with ${RESTART_PENDING.toLocaleString('en-US')} pending deliveries`,
        value: fullStart,
        unit: 'ms',
        baseline: 'start on an empty file',
        baselineValue: emptyStart,
        ratio: fullStart / 2_000,
        target: '< 2 s (ratio to 2000 ms < 1)',
        atMost: 0.9999,
      }),
    ];
  },
};
