import { type CommandResultPayload, EVENT_NAMES, type EventName, type TitanEvent } from './generated/events.js';
import type { RawBody } from './signature.js';
import { WebhookVerificationError } from './webhook-errors.js';

const EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);
// Strict UTF-8: a body that is not text cannot be JSON, and silently replacing bytes would hide that.
// A BOM is kept, so that bytes and the same body as a string get the same answer (JSON has no BOM).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// ISO 8601 date-time with a zone, as Titan sends it; Date.parse alone would accept "1" or "March 7".
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Prefix of the ids given to the id-less `command.result` form (see the README). */
export const COMMAND_RESULT_ID_PREFIX = 'evt_command_';

/**
 * A verified envelope whose `event` is not one of the names this version knows: Titan adds event
 * types over time, and a receiver built before one existed still gets it.
 */
export interface UnknownEvent {
  id: string;
  event: string;
  session: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

/**
 * A checked envelope: a known event, or an unknown one (`known: false`). `signedTimestamp` is false
 * when the timestamp is the time of receipt.
 */
export type Envelope =
  | { known: true; event: TitanEvent; signedTimestamp: boolean }
  | { known: false; event: UnknownEvent; signedTimestamp: true };

/** The parsed JSON of a verified body, or `invalid_json`. */
export function parseJson(rawBody: RawBody): unknown {
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : decoder.decode(rawBody));
  } catch (error) {
    throw new WebhookVerificationError('invalid_json', `the body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The event of a parsed, verified body, or `invalid_envelope`. Checks the envelope, not the payload's
 * own schema: the payload is trusted as much as the signature that covers it.
 */
export function toEvent(body: unknown, receivedAt: Date): Envelope {
  if (!isObject(body)) invalid('the body is not a JSON object');
  const { event, session } = body;
  if (typeof event !== 'string' || event === '') invalid(`"event" is not an event name: ${JSON.stringify(event)}`);
  if (typeof session !== 'string') invalid('"session" is not a string');
  if (event === 'command.result' && !('payload' in body) && 'data' in body) {
    return { known: true, event: commandResultData(body, session, receivedAt), signedTimestamp: false };
  }

  const { id, timestamp, payload } = body;
  if (typeof id !== 'string' || !id.startsWith('evt_')) invalid('"id" is not an event id (evt_...)');
  if (
    typeof timestamp !== 'string' ||
    !ISO_DATE_TIME.test(timestamp) ||
    !isCalendarDate(timestamp) ||
    Number.isNaN(Date.parse(timestamp))
  ) {
    invalid('"timestamp" is not an ISO 8601 date-time');
  }
  if (!isObject(payload)) invalid('"payload" is not an object');
  if (!EVENTS.has(event))
    return { known: false, event: { id, event, session, timestamp, payload }, signedTimestamp: true };
  // The payload is not checked against its event's schema (see toEvent), hence the cast.
  const checked = { id, event: event as EventName, session, timestamp, payload } as unknown as TitanEvent;
  return { known: true, event: checked, signedTimestamp: true };
}

/**
 * The vendor's other `command.result` form, `{event, session, data}`, as a normal event.
 * It has no id: the correlationId is unique per asynchronous command and each command has one result,
 * so `evt_command_<correlationId>` is stable across attempts and deduplicates. It has no timestamp
 * either: the time of receipt stands in, which is why tolerance checks skip this form.
 */
function commandResultData(body: Record<string, unknown>, session: string, receivedAt: Date): TitanEvent {
  const { data } = body;
  if (!isObject(data)) invalid('"data" is not an object');
  if (typeof data.correlationId !== 'string' || data.correlationId === '')
    invalid('"data.correlationId" is not a string');
  return {
    id: COMMAND_RESULT_ID_PREFIX + data.correlationId,
    event: 'command.result',
    session,
    timestamp: receivedAt.toISOString(),
    payload: data as unknown as CommandResultPayload,
  };
}

/** Whether the date part names a real day: Date.parse turns 2026-02-30 into March 2. */
function isCalendarDate(timestamp: string): boolean {
  const [year, month, day] = timestamp.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): never {
  throw new WebhookVerificationError('invalid_envelope', message);
}
