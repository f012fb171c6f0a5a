/** The Express app: the Titan webhooks API under /api, the control API under /_mock, health and contract. */

import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { docsRoutes } from '../console/docs.js';
import { inspectorRoutes } from '../console/inspector.js';
import type { DeliveryEngine } from '../model.js';
import type { MockStore } from '../store/store.js';
import { type Accounts, authenticate, requireScope, tokenAccount } from './auth.js';
import { jsonBody } from './body.js';
import { controlRoutes } from './control-routes.js';
import { errorHandler, routeNotFound } from './errors.js';
import { createApiFaults, injectFaults } from './faults.js';
import { faultsRoutes } from './faults-routes.js';
import type { LiveStreams } from './live-stream.js';
import { type RateLimitOptions, rateLimit } from './rate-limit.js';
import { recordRequests } from './request-journal.js';
import { requestsRoutes } from './requests-routes.js';
import { scenarioRoutes } from './scenario-routes.js';
import { createValidators } from './validation.js';
import { webhooksRoutes } from './webhooks-routes.js';

export interface AppOptions {
  accounts: Accounts;
  store: MockStore;
  engine: DeliveryEngine;
  allowPrivateUrls: boolean;
  rateLimit: RateLimitOptions;
  logger: Logger;
  /** Serves `GET /_mock/stream`; the server ends its streams when it closes. */
  streams: LiveStreams;
}

/** One log line per answered request. */
function logRequests(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // Read now: by 'finish', a mounted router has cut req.path down to its own part (/api/webhooks -> /webhooks).
    const path = req.path;
    res.on('finish', () => {
      logger.info(
        { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
    next();
  };
}

export function createApp({
  accounts,
  store,
  engine,
  allowPrivateUrls,
  rateLimit: limits,
  logger,
  streams,
}: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Conditional GETs would answer 304 to API clients that never asked for caching.
  app.set('etag', false);
  const validators = createValidators({ allowPrivateUrls });
  const faults = createApiFaults();

  // Without the level, each request would still pay for a listener whose line is never written.
  if (logger.isLevelEnabled('info')) app.use(logRequests(logger));

  // First, as the busiest mount: its requests skip the other routes' matching.
  // Rate limiting comes first so 401s carry the headers too; unknown tokens share their address's bucket.
  const bucketOf = (req: express.Request) => tokenAccount(req, accounts)?.id ?? `address:${req.socket.remoteAddress}`;
  app.use(
    '/api',
    // One mount for the whole chain: each handler mounted on '/api' would match and trim the path again.
    express.Router().use(
      // First, so that every answer of a known account is recorded, the rate limit's 429 included.
      recordRequests(app, accounts, store),
      rateLimit(limits, bucketOf),
      authenticate(accounts),
      requireScope('webhooks:manage'),
      jsonBody(),
      // Faults stand in for the API failing while it handles a request: the checks that refuse a request
      // outright (rate limit, token, scope, unreadable body) come first and never use one up.
      injectFaults(faults),
      webhooksRoutes({ store, validators, allowPrivateUrls }),
    ),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(titanOpenApiDocument);
  });
  // Before the /_mock mount: the reference, the control document and the inspector's page need no token
  // (the page asks for one and sends it with each of its API calls).
  app.use(docsRoutes());
  app.use(inspectorRoutes());

  // Before the /_mock mount: a browser's EventSource cannot set headers, so this route also takes `?token=`.
  app.get('/_mock/stream', authenticate(accounts, { queryToken: true }), streams.route);
  // Not rate limited: test suites emit and poll as fast as they need; only the vendor's /api is.
  app.use(
    '/_mock',
    express
      .Router()
      .use(
        authenticate(accounts),
        jsonBody(),
        faultsRoutes(faults, validators),
        requestsRoutes(store, validators),
        controlRoutes({ store, engine, validators }),
        scenarioRoutes({ store, engine, validators }),
      ),
  );

  app.use(routeNotFound);
  app.use(errorHandler(logger));
  return app;
}
