/** A delivery's status as a word and a symbol, so colour is never the only cue. */
import type { DeliveryStatus } from './types.js';

const SYMBOLS: Record<DeliveryStatus, string> = { pending: '…', succeeded: '✓', failed: '✕', cancelled: '⊘' };

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <span class={`status status-${status}`}>
      <span aria-hidden="true">{SYMBOLS[status]} </span>
      {status}
    </span>
  );
}
