import type { WebhookHeader } from '@titan-webhooks/sdk';
import { deliveryHeaders } from '@titan-webhooks/sdk/internal';
import type { DeliveryState } from './records.js';

/**
 * The headers of attempt `attempt`: the SDK's delivery headers, then the webhook's
 * custom ones, names in lower case. Records keep only the signature and the custom header list
 * that were used, and rebuild the rest from them when viewed, to keep pending retries small.
 */
export function attemptHeaders(
  state: DeliveryState,
  attempt: number,
  signature: string | undefined,
  custom: readonly WebhookHeader[],
): Record<string, string> {
  // No prototype: a custom header named `constructor` or `__proto__` is a header like any other.
  const headers: Record<string, string> = Object.assign(
    Object.create(null),
    deliveryHeaders({
      event: state.event.event,
      eventId: state.event.id,
      deliveryId: state.id,
      attempt,
      contentLength: state.event.byteLength,
      signature,
    }),
  );
  // Validation forbids custom headers that shadow ours; this keeps the wire right regardless.
  for (const { name, value } of custom) {
    const key = name.toLowerCase();
    if (!Object.hasOwn(headers, key)) headers[key] = value;
  }
  return headers;
}
