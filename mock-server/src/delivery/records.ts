import type { EventName, Retries, WebhookHeader } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import type { AccountId } from '../model.js';
import { attemptHeaders } from './headers.js';
import type { ReceivedResponse } from './response-body.js';
import type { HeapEntry } from './timer-heap.js';

/** One emitted event, shared by all its deliveries and attempts: the body exists once. */
export interface EventBody {
  id: string;
  event: EventName;
  session: string;
  /** The exact bytes sent and signed, serialised once. */
  body: string;
  byteLength: number;
}

/** How attempts are signed: with the webhook's key, with another key, or not at all. */
export type SignatureMode = 'valid' | 'invalid' | 'missing';

/** What a delivery outside a scenario waits for: one shared empty list. */
export const NO_PREDECESSORS: readonly string[] = Object.freeze([]);

/** One try; times are epoch ms, turned into ISO strings only when viewed. */
export class AttemptRecord {
  durationMs: number | null = null;
  statusCode: number | null = null;
  error: string | null = null;
  nextRetryAt: number | null = null;
  /** Shared with other attempts that got the same answer: never mutated, only replaced. */
  response: ReceivedResponse | null = null;

  constructor(
    readonly attempt: number,
    readonly startedAt: number,
  ) {}
}

/**
 * Everything the engine keeps per delivery. A class with fixed fields keeps V8's layout compact;
 * it doubles as its own heap entry, so a pending retry allocates nothing else.
 */
export class DeliveryState implements HeapEntry {
  status: DeliveryStatus = 'pending';
  /** Replaced by concat, never pushed to: the array then has no spare capacity (at most 16 tries). */
  attempts: readonly AttemptRecord[] = [];
  /** What the latest attempt sent, besides `event.body`: its url, signature and custom headers. */
  url: string;
  signature: string | undefined = undefined;
  customHeaders: readonly WebhookHeader[] = [];
  due = 0;
  heapIndex = -1;
  inFlight = false;
  /** The webhook was deleted or disabled while an attempt was on the wire: no retry follows it. */
  cancelRequested = false;
  signatureMode: SignatureMode = 'valid';
  /** Ids of the deliveries that must settle before the first attempt starts (the previous step of a scenario). */
  waitsFor: readonly string[] = NO_PREDECESSORS;
  /** The store still keeps it: false once retention or a reset forgot it (an attempt may still finish). */
  kept = true;

  constructor(
    /** Creation order across the server, never reused: lists and cursors follow it. */
    readonly seq: number,
    readonly id: string,
    readonly accountId: AccountId,
    readonly webhookId: number,
    readonly event: EventBody,
    /** The schedule, fixed at creation. */
    readonly retries: Readonly<Retries>,
    url: string,
    /** Epoch ms. */
    readonly createdAt: number,
  ) {
    this.url = url;
  }

  /** The latest attempt started and has no outcome yet. */
  get lastAttemptUnfinished(): boolean {
    const last = this.attempts.at(-1);
    return last !== undefined && last.durationMs === null && last.statusCode === null && last.error === null;
  }

  addAttempt(record: AttemptRecord): void {
    this.attempts = this.attempts.concat(record);
  }
}

/** `status` lets waiters ask whether the delivery matched before its latest change. */
export function matchesFilter(
  state: DeliveryState,
  filter: DeliveryFilter,
  status: DeliveryStatus = state.status,
): boolean {
  return (
    (filter.webhookId === undefined || state.webhookId === filter.webhookId) &&
    (filter.event === undefined || state.event.event === filter.event) &&
    (filter.status === undefined || status === filter.status)
  );
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The public shape, built on demand. */
export function toDelivery(state: DeliveryState): Delivery {
  return {
    id: state.id,
    webhookId: state.webhookId,
    eventId: state.event.id,
    event: state.event.event,
    status: state.status,
    request: {
      url: state.url,
      headers:
        state.attempts.length === 0
          ? {}
          : attemptHeaders(state, state.attempts.length, state.signature, state.customHeaders),
      body: state.event.body,
    },
    attempts: state.attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: iso(a.startedAt)!,
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      error: a.error,
      nextRetryAt: iso(a.nextRetryAt),
      // A copy of the headers: the record's object is shared, and a caller may change what it gets.
      response:
        a.response === null
          ? null
          : { headers: { ...a.response.headers }, body: a.response.body, truncated: a.response.truncated },
    })),
  };
}
