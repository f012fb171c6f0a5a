import type { EventMap, EventName, HmacKeys, TitanEvent, UnknownEvent } from '@titan-webhooks/sdk';
import type { TitanReceiverError } from '@titan-webhooks/sdk/internal';
import type { DedupeStore } from './dedupe.js';

/** Handles one event type; `Req` is the framework's request (node:http IncomingMessage or a web Request). */
export type EventHandler<E extends EventName, Req> = (event: EventMap[E], request: Req) => unknown;

/** One optional handler per event name; a name that is not a Titan event does not compile. */
export type EventHandlers<Req> = { [E in EventName]?: EventHandler<E, Req> };

export interface ReceiverOptions<Req> {
  /** The webhook's hmacKey, or several while rotating keys. */
  hmacKey: HmacKeys;
  /** Handlers by event name, run before `onEvent`. */
  on?: EventHandlers<Req>;
  /** Runs for every known event, after its `on` handler. */
  onEvent?: (event: TitanEvent, request: Req) => unknown;
  /**
   * Runs for a verified event whose name this version does not know (Titan adds event types); the
   * delivery is then answered 200 `{"received": true, "unknown": true}`. `on` and `onEvent` never see it.
   */
  onUnknownEvent?: (event: UnknownEvent, request: Req) => unknown;
  /** `"accept"` (default) answers unknown event names 200; `"reject"` answers them 400 `invalid_envelope`. */
  unknownEvents?: 'accept' | 'reject';
  /** Sees every refused delivery and every handler failure, for logging; what it throws is ignored. */
  onError?: (error: TitanReceiverError, request: Req) => unknown;
  /** Largest body accepted, in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** The whole body must arrive within this many milliseconds, else 408 and the connection is closed; default 10 000. */
  bodyTimeoutMs?: number;
  /** Skip events already handled: true for an in-memory store, or your own store (Redis, a database). */
  dedupe?: boolean | DedupeStore;
  /** How long a handled id is remembered; default 24 hours, longer than Titan's longest retry schedule. */
  dedupeTtlSeconds?: number;
  /**
   * How long a claim blocks other deliveries of the same event while its handlers run; default 300.
   * If the process dies mid-handler, the event is free again after this, so keep it above your slowest handler.
   */
  claimLeaseSeconds?: number;
  /** Refuse events whose signed timestamp is further than this from now; off by default. */
  toleranceSeconds?: number;
}
