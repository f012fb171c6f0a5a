import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/titan-api.js';
import { createPolicyFetch, type HttpOptions } from './http.js';
import { unwrap } from './response.js';

export type Webhook = components['schemas']['Webhook'];
export type WebhookWithKey = components['schemas']['WebhookWithKey'];
export type WebhookCreate = components['schemas']['WebhookCreate'];
export type WebhookUpdate = components['schemas']['WebhookUpdate'];
export type WebhookHeader = components['schemas']['WebhookHeader'];
export type Retries = components['schemas']['Retries'];
export type RetryPolicyName = components['schemas']['RetryPolicyName'];
export type DeleteResult = components['schemas']['DeleteResult'];

export interface ClientOptions extends HttpOptions {
  /** The API's base URL, e.g. `https://api.example.com` or the mock server's `http://127.0.0.1:4010`. */
  baseUrl: string;
  /** API key, sent as `Authorization: Bearer <token>`. */
  token: string;
}

export interface RequestOptions {
  /** Aborts the request (and its retries). */
  signal?: AbortSignal;
}

export interface WebhooksApi {
  /** Creates a webhook. The result is the only place its `hmacKey` ever appears. */
  create(body: WebhookCreate, options?: RequestOptions): Promise<WebhookWithKey>;
  /** Lists the account's webhooks. */
  list(options?: RequestOptions): Promise<Webhook[]>;
  /** Gets one webhook. */
  get(id: number, options?: RequestOptions): Promise<Webhook>;
  /** Changes the fields present in `body`. */
  update(id: number, body: WebhookUpdate, options?: RequestOptions): Promise<Webhook>;
  /** Deletes a webhook; pending retries are cancelled. */
  delete(id: number, options?: RequestOptions): Promise<DeleteResult>;
}

export interface TitanClient {
  webhooks: WebhooksApi;
  /** The underlying openapi-fetch client, typed from the contract, for advanced use. */
  raw: Client<paths>;
}

/** Shared by the API client and the mock control client. */
export function createRawClient<Paths extends {}>(options: ClientOptions): Client<Paths> {
  const policyFetch = createPolicyFetch(options);
  return createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.token}` },
    fetch: policyFetch,
  });
}

/** A typed client of the Titan webhooks API. Every non-2xx answer throws `TitanApiError`. */
export function createTitanClient(options: ClientOptions): TitanClient {
  const raw = createRawClient<paths>(options);
  const byId = (id: number) => ({ path: { id } });
  return {
    raw,
    webhooks: {
      create: (body, { signal } = {}) => unwrap(raw.POST('/api/webhooks', { body, signal })),
      list: ({ signal } = {}) => unwrap(raw.GET('/api/webhooks', { signal })),
      get: (id, { signal } = {}) => unwrap(raw.GET('/api/webhooks/{id}', { params: byId(id), signal })),
      update: (id, body, { signal } = {}) => unwrap(raw.PUT('/api/webhooks/{id}', { params: byId(id), body, signal })),
      delete: (id, { signal } = {}) => unwrap(raw.DELETE('/api/webhooks/{id}', { params: byId(id), signal })),
    },
  };
}
