import type { Client } from 'openapi-fetch';
import { type ClientOptions, createRawClient, type RequestOptions } from './client.js';
import type { EventName, EventPayloads, TitanEventOf } from './generated/events.js';
import type { components, paths } from './generated/mock-control-api.js';
import { type StreamMessage, type StreamOptions, streamMessages } from './live-stream.js';
import { unwrap, unwrapPage } from './response.js';

/** The control API's largest page: the fewest requests when fetching everything. */
const MAX_PAGE_SIZE = 1000;

export type Delivery = components['schemas']['Delivery'];
export type DeliveryAttempt = components['schemas']['DeliveryAttempt'];
export type DeliveryResponse = components['schemas']['DeliveryResponse'];
export type DeliveryStatus = components['schemas']['DeliveryStatus'];
export type ApiFault = components['schemas']['ApiFault'];
export type ApiFaultCreate = components['schemas']['ApiFaultCreate'];
export type RecordedRequest = components['schemas']['RecordedRequest'];
export type HttpMethod = components['schemas']['HttpMethod'];
export type DeliveryFaults = components['schemas']['DeliveryFaults'];
export type Scenario = components['schemas']['Scenario'];
export type ScenarioName = components['schemas']['ScenarioName'];
export type ScenarioOrder = components['schemas']['ScenarioOrder'];
export type ScenarioRunResult = components['schemas']['ScenarioRunResult'];

/** Faults injected into the mock server's `/api`, to test how an app handles Titan's errors. */
export interface ApiFaultsControl {
  /** Makes the next `count` matching `/api` requests slow, fail with `status`, or lose their connection. */
  create(fault: ApiFaultCreate, options?: RequestOptions): Promise<ApiFault>;
  /** The account's faults in the order they apply, with the uses each has left. */
  list(options?: RequestOptions): Promise<ApiFault[]>;
  /** Removes one fault; TitanApiError 404 when the account has no such fault. */
  delete(id: string, options?: RequestOptions): Promise<void>;
}

export interface DeliveryFilter {
  webhookId?: number;
  event?: EventName;
  status?: DeliveryStatus;
}

/** One page of `GET /_mock/deliveries`: a filter, plus `limit` (1 to 1000, default 100) and the previous page's cursor. */
export interface DeliveryPageQuery extends DeliveryFilter {
  limit?: number;
  cursor?: string;
}

export interface DeliveryPage {
  data: Delivery[];
  /** Pass it as `cursor` for the next page; null when nothing more matches now. */
  nextCursor: string | null;
}

/** Which recorded `/api` requests to list. */
export interface RequestFilter {
  method?: HttpMethod;
  /** A path under `/api`, where a `*` segment matches any one segment: `/api/webhooks/*`. */
  path?: string;
}

/** One page of `GET /_mock/requests`: a filter, plus `limit` (1 to 1000, default 100) and the previous page's cursor. */
export interface RequestPageQuery extends RequestFilter {
  limit?: number;
  cursor?: string;
}

export interface RequestPage {
  data: RecordedRequest[];
  /** Pass it as `cursor` for the next page; null when nothing more matches now. */
  nextCursor: string | null;
}

export interface EmitResult<E extends EventName = EventName> {
  event: TitanEventOf<E>;
  deliveries: { id: string; webhookId: number }[];
}

/** Request options, plus the delivery faults to inject: duplicates, a delayed first attempt, a bad signature. */
export type EmitOptions = RequestOptions & { faults?: DeliveryFaults };

/** How to run a scenario: the session its events come from, their order, and delivery faults. */
export interface TriggerOptions {
  session?: string;
  order?: ScenarioOrder;
  faults?: DeliveryFaults;
}

export interface MockControl {
  /** Emits an event to the account's matching webhooks; without a payload a realistic one is generated. */
  emit<E extends EventName>(
    event: E,
    payload?: EventPayloads[E],
    session?: string,
    options?: EmitOptions,
  ): Promise<EmitResult<E>>;
  /** The built-in scenarios, each with its events in their natural order. */
  scenarios(options?: RequestOptions): Promise<Scenario[]>;
  /** Runs a scenario: its events go to each matching webhook one at a time, in the given order. */
  trigger(name: ScenarioName, run?: TriggerOptions, options?: RequestOptions): Promise<ScenarioRunResult>;
  /** Every matching delivery of the account, oldest first: follows the pages to the end. */
  deliveries(filter?: DeliveryFilter, options?: RequestOptions): Promise<Delivery[]>;
  /** One page of the account's deliveries, oldest first. */
  deliveriesPage(query?: DeliveryPageQuery, options?: RequestOptions): Promise<DeliveryPage>;
  /** One delivery. */
  delivery(id: string, options?: RequestOptions): Promise<Delivery>;
  /**
   * Delivers a delivery's event again (same body, same event id) to its webhook as it is now, on a fresh
   * retry schedule: the new delivery's id. TitanApiError 404 for an unknown id, 409 `conflict` when the
   * webhook was deleted or is disabled.
   */
  redeliver(id: string, options?: RequestOptions): Promise<{ id: string; webhookId: number }>;
  /** Removes the account's webhooks, deliveries, API faults and recorded requests. */
  reset(options?: RequestOptions): Promise<void>;
  faults: ApiFaultsControl;
  /**
   * The account's changes as they happen (`GET /_mock/stream`): `for await (const message of control.stream())`.
   * Leaving the loop or aborting `signal` closes the connection; the iteration ends when the server closes.
   */
  stream(options?: StreamOptions): AsyncIterable<StreamMessage>;
  /** Every matching `/api` request the account made that the server still keeps (the latest 1000), oldest first. */
  requests(filter?: RequestFilter, options?: RequestOptions): Promise<RecordedRequest[]>;
  /** One page of the account's recorded `/api` requests, oldest first. */
  requestsPage(query?: RequestPageQuery, options?: RequestOptions): Promise<RequestPage>;
  /** The underlying openapi-fetch client. */
  raw: Client<paths>;
}

/** Every item of a paginated list: fetches the largest pages, following each `nextCursor` to the end. */
async function allPages<T>(
  fetchPage: (query: { limit: number; cursor?: string }) => Promise<{ data: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit: MAX_PAGE_SIZE, cursor });
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

/** A typed client of the mock server's control API (`/_mock/...`). */
export function createMockControl(options: ClientOptions): MockControl {
  const raw = createRawClient<paths>(options);
  const deliveriesPage: MockControl['deliveriesPage'] = (query = {}, { signal } = {}) =>
    unwrapPage(raw.GET('/_mock/deliveries', { params: { query }, signal }));
  const requestsPage: MockControl['requestsPage'] = (query = {}, { signal } = {}) =>
    unwrapPage(raw.GET('/_mock/requests', { params: { query }, signal }));
  return {
    raw,
    async emit(event, payload, session, { signal, faults } = {}) {
      // Payload interfaces are closed types, not the contract's open `payload` object: same JSON.
      const body = {
        event,
        ...(session === undefined ? {} : { session }),
        ...(payload === undefined ? {} : { payload }),
        ...(faults === undefined ? {} : { faults }),
      } as unknown as components['schemas']['EmitEventRequest'];
      return (await unwrap(raw.POST('/_mock/events', { body, signal }))) as unknown as EmitResult<typeof event>;
    },
    scenarios: ({ signal } = {}) => unwrap(raw.GET('/_mock/scenarios', { signal })),
    trigger: (name, run = {}, { signal } = {}) =>
      unwrap(raw.POST('/_mock/scenarios/{name}', { params: { path: { name } }, body: run, signal })),
    deliveries: (filter = {}, options = {}) => allPages((page) => deliveriesPage({ ...filter, ...page }, options)),
    deliveriesPage,
    delivery: (id, { signal } = {}) => unwrap(raw.GET('/_mock/deliveries/{id}', { params: { path: { id } }, signal })),
    redeliver: (id, { signal } = {}) =>
      unwrap(raw.POST('/_mock/deliveries/{id}/redeliver', { params: { path: { id } }, signal })),
    async reset({ signal } = {}) {
      await unwrap(raw.POST('/_mock/reset', { signal }));
    },
    stream: (streamOptions) => streamMessages(options, streamOptions),
    faults: {
      create: (fault, { signal } = {}) => unwrap(raw.POST('/_mock/faults', { body: fault, signal })),
      list: ({ signal } = {}) => unwrap(raw.GET('/_mock/faults', { signal })),
      async delete(id, { signal } = {}) {
        await unwrap(raw.DELETE('/_mock/faults/{id}', { params: { path: { id } }, signal }));
      },
    },
    requests: (filter = {}, options = {}) => allPages((page) => requestsPage({ ...filter, ...page }, options)),
    requestsPage,
  };
}
