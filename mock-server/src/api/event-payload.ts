// Web Crypto rather than node:crypto: the inspector's page generates its editable payloads with this too.
import { EVENT_EXAMPLES, type EventName, type EventPayloads } from '@titan-webhooks/sdk';
import { toHex } from '@titan-webhooks/sdk/internal';

/** Keys holding Unix seconds in the examples: `timestamp`, `expiresAt`, `mutedUntil`, `pinExpiresAt`... */
const TIME_KEY = /^timestamp$|At$|Until$/;
/** WhatsApp message and call ids in the examples: uppercase hex, 16+ digits. */
const ID_KEY = /^(id|messageId|callId)$/;
const HEX_ID = /^[0-9A-F]{16,}$/;

/** A random id shaped like `example`: the same length, uppercase hex. */
export function freshHexId(example: string): string {
  // Keep the device prefix ("3EB0" for ids made by WhatsApp Web) so the id still looks like the example.
  const keep = example.startsWith('3EB0') ? 4 : 0;
  const digits = toHex(crypto.getRandomValues(new Uint8Array(Math.ceil(example.length / 2)))).toUpperCase();
  return example.slice(0, keep) + digits.slice(0, example.length - keep);
}

/** Shifts every time by the same amount, so relations like `mutedUntil` = `timestamp` + 1 day hold. */
function freshen(value: unknown, key: string, shiftSeconds: number): unknown {
  if (Array.isArray(value)) return value.map((item) => freshen(item, key, shiftSeconds));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freshen(v, k, shiftSeconds)]));
  }
  if (typeof value === 'number' && TIME_KEY.test(key) && Number.isInteger(value)) return value + shiftSeconds;
  if (typeof value === 'string' && ID_KEY.test(key) && HEX_ID.test(value)) return freshHexId(value);
  return value;
}

/**
 * A realistic payload for `event`: the contract's example with fresh message/call ids and times
 * moved to now, so repeated emits look like distinct events. Still valid against the event's schema.
 */
export function generatePayload<E extends EventName>(event: E): EventPayloads[E] {
  const example = EVENT_EXAMPLES[event] as unknown as Record<string, unknown>;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const shift = typeof example.timestamp === 'number' ? nowSeconds - example.timestamp : 0;
  return freshen(example, '', shift) as EventPayloads[E];
}
