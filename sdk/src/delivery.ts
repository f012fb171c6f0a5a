import type { EventName, EventPayloads, TitanEventOf } from './generated/events.js';
import { EVENT_EXAMPLES } from './generated/examples.js';
import { newDeliveryId, newEventId } from './ids.js';
import { signPayload } from './signing.js';
import { VERSION } from './version.js';

/** The `User-Agent` of every delivery. */
export const DELIVERY_USER_AGENT = `TitanWebhooks/${VERSION}`;

export interface EventOptions {
  /** Session name; default `default`. */
  session?: string;
  /** Event id; default a fresh `evt_...`. */
  id?: string;
  /** ISO 8601 time; default now. */
  timestamp?: string;
}

/** An event envelope; without a payload, the event schema's example is used. */
export function createEvent<E extends EventName>(
  event: E,
  payload?: EventPayloads[E],
  options: EventOptions = {},
): TitanEventOf<E> {
  return {
    id: options.id ?? newEventId(),
    event,
    session: options.session ?? 'default',
    timestamp: options.timestamp ?? new Date().toISOString(),
    payload: payload ?? structuredClone(EVENT_EXAMPLES[event]),
  };
}

export interface DeliveryHeaderFields {
  event: EventName;
  eventId: string;
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
  /** Byte length of the body. */
  contentLength: number;
  /** `sha256=...`, omitted for unsigned webhooks. */
  signature?: string | undefined;
}

/** The headers Titan sends with a delivery, before the webhook's custom headers. */
export function deliveryHeaders(fields: DeliveryHeaderFields): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(fields.contentLength),
    'user-agent': DELIVERY_USER_AGENT,
    'x-webhook-event': fields.event,
    'x-webhook-id': fields.eventId,
    'x-webhook-delivery': fields.deliveryId,
    'x-webhook-attempt': String(fields.attempt),
  };
  if (fields.signature !== undefined) headers['x-webhook-signature'] = fields.signature;
  return headers;
}

export interface TestDeliveryOptions extends EventOptions {
  /** Key to sign with; omit for an unsigned delivery. */
  hmacKey?: string;
  /** Delivery id; default a fresh `dlv_...`. */
  deliveryId?: string;
  /** Attempt number; default 1. */
  attempt?: number;
}

export interface TestDelivery<E extends EventName = EventName> {
  /** The exact raw body to POST. */
  body: string;
  /** The headers Titan would send with it. */
  headers: Record<string, string>;
  /** The parsed event, for assertions. */
  event: TitanEventOf<E>;
}

/**
 * A delivery exactly as Titan would send it, for unit tests of a receiving app: POST `body` with
 * `headers` at your own endpoint.
 */
export async function buildTestDelivery<E extends EventName>(
  event: E,
  payload?: EventPayloads[E],
  options: TestDeliveryOptions = {},
): Promise<TestDelivery<E>> {
  const envelope = createEvent(event, payload, options);
  const body = JSON.stringify(envelope);
  const headers = deliveryHeaders({
    event,
    eventId: envelope.id,
    deliveryId: options.deliveryId ?? newDeliveryId(),
    attempt: options.attempt ?? 1,
    contentLength: new TextEncoder().encode(body).byteLength,
    signature: options.hmacKey === undefined ? undefined : await signPayload(body, options.hmacKey),
  });
  return { body, headers, event: envelope };
}
