/** startMockServer: wires store, delivery engine and app, listens, and hands back a test-friendly handle. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiFaultsControl,
  createMockControl,
  type Delivery,
  type DeliveryFilter,
  type MockControl,
  type RecordedRequest,
  type RequestFilter,
  type StreamMessage,
  type StreamOptions,
} from '@titan-webhooks/sdk/mock';
import { createApp } from './api/app.js';
import { createAccounts } from './api/auth.js';
import { answerClientError } from './api/client-error.js';
import { LiveStreams } from './api/live-stream.js';
import { type MockServerConfig, type MockServerOptions, resolveConfig } from './config.js';
import { createLogger } from './console/logger.js';
import { createDeliveryEngine } from './delivery/index.js';
import { createPreloadedWebhooks, loadPreload } from './preload.js';
import { type MockStore, openStore } from './store/index.js';

/** What `waitForDeliveries` waits for: `count` (default 1) matching deliveries that are no longer pending. */
export type WaitForDeliveriesFilter = DeliveryFilter & {
  count?: number;
  /** False: resolve as soon as `count` matching deliveries exist, settled or not. */
  settled?: boolean;
};

export interface MockServer {
  /** `http://<host>:<port>`, without a trailing slash. */
  url: string;
  /** The first token; emit, deliveries, waitForDeliveries and reset act on its account. */
  token: string;
  /** Every token, in the order given. */
  tokens: string[];
  /** The inspector, signed in with the first token: `<url>/#token=<token>`. */
  dashboard: string;
  port: number;
  /**
   * Stops accepting requests, lets attempts on the wire finish (at most 5 s), frees the port and
   * closes the data file; pending deliveries stay pending there, for the next start.
   */
  close(): Promise<void>;
  /** Without a payload a realistic one is generated; `options.faults` makes the deliveries misbehave on purpose. */
  emit: MockControl['emit'];
  /** The built-in scenarios, each with its events in their natural order. */
  scenarios: MockControl['scenarios'];
  /** Runs a scenario: each matching webhook receives its events one at a time, in the given order. */
  trigger: MockControl['trigger'];
  /** Every matching delivery, oldest first (it follows the pages of the control API). */
  deliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  /** Rejects after `timeoutMs` (default 5000) with what was found so far in the message. */
  waitForDeliveries(filter: WaitForDeliveriesFilter, timeoutMs?: number): Promise<Delivery[]>;
  /** The delivery's event again, to its webhook as it is now, on a fresh retry schedule: the new delivery. */
  redeliver(deliveryId: string): Promise<{ id: string; webhookId: number }>;
  /** Removes the account's webhooks, deliveries, API faults and recorded requests. */
  reset(): Promise<void>;
  /** Faults injected into `/api` for the first token's account. */
  faults: ApiFaultsControl;
  /** The first token's account's changes as they happen; leaving the loop or aborting closes the stream. */
  stream(options?: StreamOptions): AsyncIterable<StreamMessage>;
  /** The first token's account's recorded `/api` requests (the latest 1000), oldest first, every page. */
  requests(filter?: RequestFilter): Promise<RecordedRequest[]>;
}

/** How long close() lets attempts on the wire finish. */
const CLOSE_GRACE_MS = 5000;

/** How long a client has to send a whole request, body included. */
const REQUEST_TIMEOUT_MS = 30_000;

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** A data file keeps the development token of its first start, so a restart prints the same one. */
function keepDevelopmentToken(config: MockServerConfig, store: MockStore): MockServerConfig['tokens'] {
  if (!config.developmentToken) return config.tokens;
  const kept = store.developmentToken();
  if (kept === undefined) {
    store.saveDevelopmentToken(config.tokens[0]!.token);
    return config.tokens;
  }
  return [{ token: kept, scopes: config.tokens[0]!.scopes }];
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const preload = await loadPreload(options);
  const config = resolveConfig({ ...options, tokens: [...(options.tokens ?? []), ...preload.tokens] });
  const logger = createLogger(config.logLevel, config.logFormat);
  const store = openStore({ dataFile: config.dataFile, retainDeliveries: config.retainDeliveries, logger });
  const tokens = keepDevelopmentToken(config, store);
  const accounts = createAccounts(tokens, (digest) => store.accountId(digest));
  const engine = createDeliveryEngine({
    store,
    timeScale: config.timeScale,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    allowPrivateUrls: config.allowPrivateUrls,
    logger: logger.child({ component: 'delivery' }),
  });
  createPreloadedWebhooks(preload.webhooks, { store, accounts });
  const streams = new LiveStreams(store, logger);
  const app = createApp({
    accounts,
    store,
    engine,
    allowPrivateUrls: config.allowPrivateUrls,
    rateLimit: config.rateLimit,
    logger,
    streams,
  });

  const server = createServer(
    // A request trickled in byte by byte holds its connection until these run out (Node's defaults are minutes).
    { headersTimeout: REQUEST_TIMEOUT_MS / 2, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    app,
  );
  server.on('clientError', answerClientError);
  // `Expect: 100-continue` goes to the app like any request: the body reader sends the 100 when it
  // is about to read, so a request refused first (401, 413, 415...) never has its body sent.
  server.on('checkContinue', app);
  await store
    .durable()
    .then(
      () =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => {
            server.off('error', reject);
            resolve();
          });
        }),
    )
    .catch(async (error: unknown) => {
      await engine.close(0);
      store.close();
      throw error;
    });
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostInUrl(config.host)}:${port}`;
  const [first] = tokens;
  const token = first!.token;
  const account = accounts.ofToken(token);
  // The handle goes through the control API like any client would, so tests exercise the real thing.
  const control = createMockControl({ baseUrl: url, token, retry: false });
  // In the fragment, the token never reaches a server log or a Referer header.
  const dashboard = `${url}/#token=${encodeURIComponent(token)}`;
  logger.info(
    {
      url,
      dashboard,
      allowPrivateUrls: config.allowPrivateUrls,
      timeScale: config.timeScale,
      dataFile: config.dataFile,
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      streams.closeAll();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close(CLOSE_GRACE_MS);
      server.closeAllConnections();
      await stopped;
      store.close();
      logger.info('closed');
    })());

  return {
    url,
    token,
    tokens: tokens.map((spec) => spec.token),
    dashboard,
    port,
    close,
    emit: (event, payload, session, options) => control.emit(event, payload, session, options),
    scenarios: (options) => control.scenarios(options),
    trigger: (name, run, options) => control.trigger(name, run, options),
    deliveries: (filter) => control.deliveries(filter),
    // Straight to the engine: it resolves on change, where polling over HTTP would add latency.
    waitForDeliveries: (filter, timeoutMs = 5000) => engine.waitFor(account.id, filter, timeoutMs),
    redeliver: (deliveryId) => control.redeliver(deliveryId),
    reset: () => control.reset(),
    faults: control.faults,
    stream: (options) => control.stream(options),
    requests: (filter) => control.requests(filter),
  };
}
