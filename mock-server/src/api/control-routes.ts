/** The mock server's control API of openapi/mock-control.yaml under /_mock. */

import { createEvent, type EventName, type TitanEvent } from '@titan-webhooks/sdk';
import { Router } from 'express';
import type { DeliveryEngine } from '../model.js';
import { accountOf } from './auth.js';
import { ApiError, validationError } from './errors.js';
import { generatePayload } from './event-payload.js';
import type { RequestValidators } from './validation.js';
import type { WebhookStore } from './webhook-store.js';

export interface ControlRoutesOptions {
  store: WebhookStore;
  engine: DeliveryEngine;
  validators: RequestValidators;
}

interface EmitRequest {
  event: EventName;
  session?: string;
  payload?: Record<string, unknown>;
}

export function controlRoutes({ store, engine, validators }: ControlRoutesOptions): Router {
  const router = Router();

  router.post('/events', (req, res) => {
    const requestDetails = validators.emitRequest(req.body);
    if (requestDetails.length > 0) throw validationError(requestDetails, 'request body is invalid');
    const { event, session = 'default', payload } = req.body as EmitRequest;
    if (payload !== undefined) {
      const payloadDetails = validators.eventPayload(event, payload);
      if (payloadDetails.length > 0) throw validationError(payloadDetails, `payload is not a valid ${event} payload`);
    }
    // The payload was validated against this event's schema just above, so the envelope is that event's.
    const envelope = createEvent(event, (payload ?? generatePayload(event)) as never, { session }) as TitanEvent;
    const deliveries = engine.emit(accountOf(req).id, envelope);
    res.status(202).json({ data: { event: envelope, deliveries } });
  });

  router.get('/deliveries', (req, res) => {
    res.json({ data: engine.list(accountOf(req).id, validators.deliveryQuery(req.query)) });
  });

  router.get('/deliveries/:id', (req, res) => {
    const delivery = engine.get(accountOf(req).id, req.params.id);
    if (!delivery) throw new ApiError('not_found', 'delivery not found');
    res.json({ data: delivery });
  });

  router.post('/reset', (req, res) => {
    const accountId = accountOf(req).id;
    for (const webhook of store.list(accountId)) {
      store.delete(webhook.id);
      engine.webhookChanged(webhook, undefined);
    }
    engine.reset(accountId);
    res.json({ data: { success: true } });
  });

  return router;
}
