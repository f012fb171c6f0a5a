import type { AttemptRecord, DeliveryState } from '../delivery/records.js';
import type { ReceivedResponse } from '../delivery/response-body.js';

/**
 * What is kept of a response once the budget needed its room: nothing, and `truncated` says so.
 * Frozen and shared, so an emptied response costs nothing.
 */
export const EMPTIED_RESPONSE: ReceivedResponse = Object.freeze({
  headers: Object.freeze({}),
  body: '',
  truncated: true,
});

/** The default budget: 10,000 deliveries of 16 attempts with 4 KiB answers would be 640 MiB. */
export const DEFAULT_RESPONSE_BUDGET_BYTES = 32 * 1024 * 1024;

/** Sizes of the responses counted so far: a shared response is admitted once per attempt that got it. */
const sizes = new WeakMap<ReceivedResponse, number>();

/** The bytes a recorded response is counted for: its body's UTF-8 bytes, and its header names and values. */
export function responseBytes(response: ReceivedResponse): number {
  let bytes = sizes.get(response);
  if (bytes !== undefined) return bytes;
  const { headers, body } = response;
  bytes = Buffer.byteLength(body);
  for (const name in headers) bytes += name.length + headers[name]!.length;
  sizes.set(response, bytes);
  return bytes;
}

export interface ResponseBudgetHooks {
  /** A response of `state` was emptied: the store writes the delivery again. */
  emptied(state: DeliveryState): void;
}

/**
 * Bounds the memory recorded responses take: every response kept counts its full size (even when
 * identical answers share one copy), and once the total passes `limitBytes` the oldest recorded
 * ones are replaced by EMPTIED_RESPONSE until it fits again. Forgotten deliveries give their bytes
 * back at once; their entries leave the queue lazily, and it is compacted when they outnumber the rest.
 */
export class ResponseBudget {
  /** Oldest first, three slots per response (no object per entry): its delivery, its attempt, its bytes. */
  private queue: (DeliveryState | AttemptRecord | number | undefined)[] = [];
  /** Where the oldest entry starts; always a multiple of 3. */
  private head = 0;
  private total = 0;
  /** Entries of forgotten deliveries still in the queue. */
  private released = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly hooks: ResponseBudgetHooks,
  ) {}

  /** The bytes counted now, for tests and diagnostics. */
  get usedBytes(): number {
    return this.total;
  }

  /** Counts `record`'s response, then empties the oldest ones while the total is over the limit. */
  admit(state: DeliveryState, record: AttemptRecord): void {
    const { response } = record;
    if (response === null || response === EMPTIED_RESPONSE) return;
    const bytes = responseBytes(response);
    this.queue.push(state, record, bytes);
    this.total += bytes;
    while (this.total > this.limitBytes && this.head < this.queue.length) this.emptyOldest();
    this.compact();
  }

  /** The deliveries were forgotten: their responses no longer count. */
  release(states: readonly DeliveryState[]): void {
    for (const state of states) {
      for (const { response } of state.attempts) {
        if (response === null || response === EMPTIED_RESPONSE) continue;
        this.total -= responseBytes(response);
        this.released++;
      }
    }
    this.compact();
  }

  private emptyOldest(): void {
    const { queue, head } = this;
    const state = queue[head] as DeliveryState;
    const record = queue[head + 1] as AttemptRecord;
    const bytes = queue[head + 2] as number;
    queue[head] = queue[head + 1] = queue[head + 2] = undefined;
    this.head += 3;
    if (!state.kept) {
      this.released--;
      return;
    }
    record.response = EMPTIED_RESPONSE;
    this.total -= bytes;
    this.hooks.emptied(state);
  }

  private compact(): void {
    const entries = (this.queue.length - this.head) / 3;
    if (this.head > 3 * 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.released > 1024 && this.released * 2 > entries) {
      const kept: typeof this.queue = [];
      for (let i = this.head; i < this.queue.length; i += 3) {
        if ((this.queue[i] as DeliveryState).kept) kept.push(...this.queue.slice(i, i + 3));
      }
      this.queue = kept;
      this.head = 0;
      this.released = 0;
    }
  }
}
