import type { WebhookHeader } from '@titan-webhooks/sdk';
import { deliveryHeaders } from '@titan-webhooks/sdk/internal';
import type { DeliveryState } from './records.js';

/**
 * The headers of attempt `attempt`: the SDK's delivery headers, then the webhook's custom ones,
 * names in lower case. Records keep only the signature and the custom header list that were used,
 * and rebuild the rest from them when viewed, to keep pending retries small.
 */
export function attemptHeaders(
  state: DeliveryState,
  attempt: number,
  signature: string | undefined,
  custom: readonly WebhookHeader[],
): Record<string, string> {
  const headers = deliveryHeaders({
    event: state.event.event,
    eventId: state.event.id,
    deliveryId: state.id,
    attempt,
    contentLength: state.event.byteLength,
    signature,
  });
  // Validation forbids custom headers that shadow ours or repeat; this keeps the wire right regardless.
  for (const { name, value } of custom) {
    const key = name.toLowerCase();
    if (Object.hasOwn(headers, key)) continue;
    // Defined rather than assigned: assigning `__proto__` would set the prototype, not add a header.
    Object.defineProperty(headers, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return headers;
}

/** The same headers as sent: a flat name, value, name, value... list, which undici takes fastest. */
export function attemptHeaderList(
  state: DeliveryState,
  attempt: number,
  signature: string | undefined,
  custom: readonly WebhookHeader[],
): string[] {
  const headers = attemptHeaders(state, attempt, signature, custom);
  const list: string[] = [];
  for (const name in headers) list.push(name, headers[name]!);
  return list;
}
