/** The mock server's control API of openapi/mock-control.yaml under /_mock. */

import { createEvent, type EventName, type TitanEvent } from '@titan-webhooks/sdk';
import type { DeliveryFaults, DeliveryFilter } from '@titan-webhooks/sdk/mock';
import { Router } from 'express';
import { toDelivery } from '../delivery/records.js';
import type { DeliveryEngine } from '../model.js';
import type { MockStore } from '../store/store.js';
import { accountOf } from './auth.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ApiError, validationError } from './errors.js';
import { generatePayload } from './event-payload.js';
import type { RequestValidators } from './validation.js';

/** Deliveries per page unless `limit` says otherwise (the contract allows 1 to 1000). */
const DEFAULT_PAGE_SIZE = 100;

export interface ControlRoutesOptions {
  /** A 2xx is sent once the change is committed. */
  store: MockStore;
  engine: DeliveryEngine;
  validators: RequestValidators;
}

interface EmitRequest {
  event: EventName;
  session?: string;
  payload?: Record<string, unknown>;
  faults?: DeliveryFaults;
}

export function controlRoutes({ store, engine, validators }: ControlRoutesOptions): Router {
  const router = Router();

  router.post('/events', async (req, res) => {
    const requestDetails = validators.emitRequest(req.body);
    if (requestDetails.length > 0) throw validationError(requestDetails, 'request body is invalid');
    const { event, session = 'default', payload, faults } = req.body as EmitRequest;
    if (payload !== undefined) {
      const payloadDetails = validators.eventPayload(event, payload);
      if (payloadDetails.length > 0) throw validationError(payloadDetails, `payload is not a valid ${event} payload`);
    }
    // The payload was validated against this event's schema just above, so the envelope is that event's.
    const envelope = createEvent(event, (payload ?? generatePayload(event)) as never, { session }) as TitanEvent;
    const deliveries = engine.emit(accountOf(req).id, envelope, faults);
    await store.durable();
    res.status(202).json({ data: { event: envelope, deliveries } });
  });

  router.get('/deliveries', (req, res) => {
    const {
      limit = DEFAULT_PAGE_SIZE,
      cursor,
      ...filter
    } = validators.deliveryQuery(req.query) as DeliveryFilter & { limit?: number; cursor?: string };
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = store.deliveryPage(accountOf(req).id, filter, limit, after);
    res.json({
      data: page.deliveries.map(toDelivery),
      nextCursor: page.next === null ? null : encodeCursor(page.next),
    });
  });

  router.get('/deliveries/:id', (req, res) => {
    const delivery = store.delivery(accountOf(req).id, req.params.id);
    if (!delivery) throw new ApiError('not_found', 'delivery not found');
    res.json({ data: toDelivery(delivery) });
  });

  router.post('/deliveries/:id/redeliver', async (req, res) => {
    const redelivery = engine.redeliver(accountOf(req).id, req.params.id);
    if (redelivery === 'not_found') throw new ApiError('not_found', 'delivery not found');
    if (redelivery === 'webhook_deleted') throw new ApiError('conflict', 'the webhook of this delivery was deleted');
    if (redelivery === 'webhook_disabled')
      throw new ApiError('conflict', 'the webhook of this delivery is disabled: enable it to redeliver');
    await store.durable();
    res.status(202).json({ data: redelivery });
  });

  router.post('/reset', async (req, res) => {
    store.resetAccount(accountOf(req).id);
    await store.durable();
    res.json({ data: { success: true } });
  });

  return router;
}
