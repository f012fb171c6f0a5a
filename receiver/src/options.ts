import type { EventMap, EventName, TitanEvent } from '@titan-webhooks/sdk';
import type { DedupeStore } from './dedupe.js';
import type { TitanReceiverError } from './errors.js';
import type { HmacKeys } from './signature.js';

/** Handles one event type; `Req` is the framework's request (node:http IncomingMessage or a web Request). */
export type EventHandler<E extends EventName, Req> = (event: EventMap[E], request: Req) => unknown;

/** One optional handler per event name; a name that is not a Titan event does not compile. */
export type EventHandlers<Req> = { [E in EventName]?: EventHandler<E, Req> };

export interface ReceiverOptions<Req> {
  /** The webhook's hmacKey, or several while rotating keys. */
  hmacKey: HmacKeys;
  /** Handlers by event name, run before `onEvent`. */
  on?: EventHandlers<Req>;
  /** Runs for every event, after its `on` handler. */
  onEvent?: (event: TitanEvent, request: Req) => unknown;
  /** Sees every refused delivery and every handler failure, for logging; what it throws is ignored. */
  onError?: (error: TitanReceiverError, request: Req) => unknown;
  /** Largest body accepted, in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Skip events already handled: true for an in-memory store, or your own store (Redis, a database). */
  dedupe?: boolean | DedupeStore;
  /** How long a handled id is remembered; default 24 hours, longer than Titan's longest retry schedule. */
  dedupeTtlSeconds?: number;
  /** Refuse events whose signed timestamp is further than this from now; off by default. */
  toleranceSeconds?: number;
}
