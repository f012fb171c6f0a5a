/** The operations of openapi/titan-webhooks.yaml under /api. */

import type { WebhookCreate, WebhookUpdate } from '@titan-webhooks/sdk';
import { type Request, Router } from 'express';
import type { DeliveryEngine, StoredWebhook } from '../model.js';
import { accountOf } from './auth.js';
import { ApiError, type ErrorDetail, validationError } from './errors.js';
import type { RequestValidators } from './validation.js';
import { newWebhookFields, updatedWebhook, webhookRuleDetails } from './webhook-rules.js';
import { toPublic, toPublicWithKey, type WebhookStore } from './webhook-store.js';

export interface WebhooksRoutesOptions {
  store: WebhookStore;
  engine: DeliveryEngine;
  validators: RequestValidators;
  allowPrivateUrls: boolean;
}

export function webhooksRoutes({ store, engine, validators, allowPrivateUrls }: WebhooksRoutesOptions): Router {
  const router = Router();

  /** Schema and code rules together, so one 400 lists every problem. */
  async function checkBody<T>(body: unknown, schemaDetails: ErrorDetail[]): Promise<T> {
    const details = [...schemaDetails, ...(await webhookRuleDetails(body, schemaDetails, allowPrivateUrls))];
    if (details.length > 0) throw validationError(details, 'request body is invalid');
    return body as T;
  }

  function ownWebhook(req: Request<{ id: string }>): StoredWebhook {
    const webhook = store.find(accountOf(req).id, validators.webhookId(req.params.id));
    if (!webhook) throw new ApiError('not_found', 'webhook not found');
    return webhook;
  }

  router.post('/webhooks', async (req, res) => {
    const body = await checkBody<WebhookCreate>(req.body, validators.webhookCreate(req.body));
    const webhook = store.create(newWebhookFields(accountOf(req).id, body));
    engine.webhookChanged(undefined, webhook);
    res.status(201).json({ data: toPublicWithKey(webhook) });
  });

  router.get('/webhooks', (req, res) => {
    res.json({ data: store.list(accountOf(req).id).map(toPublic) });
  });

  router.get('/webhooks/:id', (req, res) => {
    res.json({ data: toPublic(ownWebhook(req)) });
  });

  router.put('/webhooks/:id', async (req, res) => {
    ownWebhook(req);
    const body = await checkBody<WebhookUpdate>(req.body, validators.webhookUpdate(req.body));
    // Checking the URL may have taken a DNS lookup: apply the change to the webhook as it is now.
    const before = ownWebhook(req);
    const after = updatedWebhook(before, body);
    store.replace(after);
    engine.webhookChanged(before, after);
    res.json({ data: toPublic(after) });
  });

  router.delete('/webhooks/:id', (req, res) => {
    const webhook = ownWebhook(req);
    store.delete(webhook.id);
    engine.webhookChanged(webhook, undefined);
    res.json({ data: { success: true, message: 'webhook deleted' } });
  });

  return router;
}
