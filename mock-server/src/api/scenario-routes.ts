/** The control API's scenarios: `GET /_mock/scenarios` and `POST /_mock/scenarios/{name}`. */

import type { DeliveryFaults } from '@titan-webhooks/sdk/mock';
import { Router } from 'express';
import type { DeliveryEngine } from '../model.js';
import { findScenario, order, SCENARIOS, type ScenarioOrder } from '../scenarios/index.js';
import type { MockStore } from '../store/store.js';
import { accountOf } from './auth.js';
import { ApiError, validationError } from './errors.js';
import type { RequestValidators } from './validation.js';

export interface ScenarioRoutesOptions {
  /** A 2xx is sent once the deliveries are committed. */
  store: MockStore;
  engine: DeliveryEngine;
  validators: RequestValidators;
}

interface ScenarioRunRequest {
  session?: string;
  order?: ScenarioOrder;
  faults?: DeliveryFaults;
}

const LISTED = SCENARIOS.map(({ name, description, events }) => ({ name, description, events }));

export function scenarioRoutes({ store, engine, validators }: ScenarioRoutesOptions): Router {
  const router = Router();

  router.get('/scenarios', (_req, res) => {
    res.json({ data: LISTED });
  });

  router.post('/scenarios/:name', async (req, res) => {
    const { name } = req.params;
    const scenario = findScenario(name);
    if (scenario === undefined) {
      throw new ApiError(
        'not_found',
        `no scenario ${JSON.stringify(name)}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      );
    }
    const details = validators.scenarioRun(req.body);
    if (details.length > 0) throw validationError(details, 'request body is invalid');
    const { session = 'default', order: how = 'natural', faults } = (req.body ?? {}) as ScenarioRunRequest;
    const events = order(scenario.build(session), how);
    const deliveries = engine.emitInOrder(accountOf(req).id, events, faults);
    await store.durable();
    res.status(202).json({ data: { events, deliveries } });
  });

  return router;
}
