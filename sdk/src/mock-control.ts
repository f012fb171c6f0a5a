import type { Client } from 'openapi-fetch';
import { type ClientOptions, createRawClient, type RequestOptions } from './client.js';
import type { EventName, EventPayloads, TitanEventOf } from './generated/events.js';
import type { components, paths } from './generated/mock-control-api.js';
import { unwrap } from './response.js';

export type Delivery = components['schemas']['Delivery'];
export type DeliveryAttempt = components['schemas']['DeliveryAttempt'];
export type DeliveryStatus = components['schemas']['DeliveryStatus'];
export type ApiFault = components['schemas']['ApiFault'];
export type ApiFaultCreate = components['schemas']['ApiFaultCreate'];

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

export interface EmitResult<E extends EventName = EventName> {
  event: TitanEventOf<E>;
  deliveries: { id: string; webhookId: number }[];
}

export interface MockControl {
  /** Emits an event to the account's matching webhooks; without a payload a realistic one is generated. */
  emit<E extends EventName>(
    event: E,
    payload?: EventPayloads[E],
    session?: string,
    options?: RequestOptions,
  ): Promise<EmitResult<E>>;
  /** The account's deliveries, oldest first. */
  deliveries(filter?: DeliveryFilter, options?: RequestOptions): Promise<Delivery[]>;
  /** One delivery. */
  delivery(id: string, options?: RequestOptions): Promise<Delivery>;
  /** Removes the account's webhooks, deliveries and API faults. */
  reset(options?: RequestOptions): Promise<void>;
  faults: ApiFaultsControl;
  /** The underlying openapi-fetch client. */
  raw: Client<paths>;
}

/** A typed client of the mock server's control API (`/_mock/...`). */
export function createMockControl(options: ClientOptions): MockControl {
  const raw = createRawClient<paths>(options);
  return {
    raw,
    async emit(event, payload, session, { signal } = {}) {
      // Payload interfaces are closed types, not the contract's open `payload` object: same JSON.
      const body = {
        event,
        ...(session === undefined ? {} : { session }),
        ...(payload === undefined ? {} : { payload }),
      } as unknown as components['schemas']['EmitEventRequest'];
      return (await unwrap(raw.POST('/_mock/events', { body, signal }))) as unknown as EmitResult<typeof event>;
    },
    deliveries: (filter = {}, { signal } = {}) =>
      unwrap(raw.GET('/_mock/deliveries', { params: { query: filter }, signal })),
    delivery: (id, { signal } = {}) => unwrap(raw.GET('/_mock/deliveries/{id}', { params: { path: { id } }, signal })),
    async reset({ signal } = {}) {
      await unwrap(raw.POST('/_mock/reset', { signal }));
    },
    faults: {
      create: (fault, { signal } = {}) => unwrap(raw.POST('/_mock/faults', { body: fault, signal })),
      list: ({ signal } = {}) => unwrap(raw.GET('/_mock/faults', { signal })),
      async delete(id, { signal } = {}) {
        await unwrap(raw.DELETE('/_mock/faults/{id}', { params: { path: { id } }, signal }));
      },
    },
  };
}
