/** The operations of openapi/titan-webhooks.yaml under /api. */

import type { WebhookCreate, WebhookUpdate } from '@titan-webhooks/sdk';
import { type Request, Router } from 'express';
import type { StoredWebhook } from '../model.js';
import type { MockStore } from '../store/store.js';
import { accountOf } from './auth.js';
import { ApiError, type ErrorDetail, validationError } from './errors.js';
import type { RequestValidators } from './validation.js';
import { newWebhookFields, updatedWebhook, webhookRuleDetails } from './webhook-rules.js';
import { toPublic, toPublicWithKey } from './webhook-view.js';

export interface WebhooksRoutesOptions {
  /** The delivery engine follows its change events; a 2xx is sent once the change is committed. */
  store: MockStore;
  validators: RequestValidators;
  allowPrivateUrls: boolean;
}

export function webhooksRoutes({ store, validators, allowPrivateUrls }: WebhooksRoutesOptions): Router {
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
    const webhook = store.createWebhook(newWebhookFields(accountOf(req).id, body));
    await store.durable();
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
    store.replaceWebhook(after);
    await store.durable();
    res.json({ data: toPublic(after) });
  });

  router.delete('/webhooks/:id', async (req, res) => {
    store.deleteWebhook(ownWebhook(req).id);
    await store.durable();
    res.json({ data: { success: true, message: 'webhook deleted' } });
  });

  return router;
}
