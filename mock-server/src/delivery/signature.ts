import { signPayload } from '@titan-webhooks/sdk';
import type { SignatureMode } from './records.js';

/**
 * The `X-Webhook-Signature` value of an attempt, undefined for none: the webhook's key signs unless
 * the delivery's signature fault says otherwise. `invalid` signs with a key derived from the
 * webhook's that can never equal it, so the header is well formed and still refused.
 */
export function attemptSignature(
  body: string,
  hmacKey: string | null,
  mode: SignatureMode,
): Promise<string | undefined> | undefined {
  switch (mode) {
    case 'missing':
      return undefined;
    case 'invalid':
      return signPayload(body, `${hmacKey ?? ''}:not-the-webhook-key`);
    case 'valid':
      return hmacKey === null ? undefined : signPayload(body, hmacKey);
  }
}
