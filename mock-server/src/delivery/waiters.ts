import type { Delivery, DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import type { AccountId } from '../model.js';
import type { MockStore } from '../store/store.js';
import { type DeliveryState, matchesFilter, toDelivery } from './records.js';

export type WaitFilter = DeliveryFilter & { count?: number; settled?: boolean };

interface Waiter {
  filter: DeliveryFilter;
  count: number;
  settled: boolean;
  /** How many deliveries qualify now, kept up to date by the engine's notifications. */
  found: number;
  resolve(deliveries: Delivery[]): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * waitFor without polling: the store's change events report each created delivery, each status
 * change and each forgotten delivery, and every waiter keeps a running count, so a change costs
 * O(waiters), not a scan of the deliveries.
 */
export class Waiters {
  private readonly byAccount = new Map<AccountId, Set<Waiter>>();

  constructor(private readonly store: MockStore) {}

  wait(accountId: AccountId, { count = 1, settled, ...filter }: WaitFilter, timeoutMs: number): Promise<Delivery[]> {
    return new Promise((resolve, reject) => {
      // Waiting for settled pending deliveries could never succeed, so a pending filter means "exist".
      const waiter: Waiter = {
        filter,
        count,
        settled: settled ?? filter.status !== 'pending',
        found: 0,
        resolve,
        reject,
      };
      waiter.found = this.qualifying(accountId, waiter).length;
      if (this.resolveIfDone(accountId, waiter)) return;
      waiter.timer = setTimeout(() => {
        this.remove(accountId, waiter);
        reject(this.timeoutError(accountId, waiter, timeoutMs));
      }, timeoutMs);
      let set = this.byAccount.get(accountId);
      if (set === undefined) {
        set = new Set();
        this.byAccount.set(accountId, set);
      }
      set.add(waiter);
    });
  }

  /** A delivery was created, or its status changed from `previous`. */
  changed(state: DeliveryState, previous?: DeliveryStatus): void {
    const set = this.byAccount.get(state.accountId);
    // A delivery forgotten by a reset can still finish an attempt that was on the wire: it no longer counts.
    if (set === undefined || this.store.delivery(state.accountId, state.id) !== state) return;
    for (const waiter of set) {
      const before = previous !== undefined && qualifies(waiter, state, previous);
      const now = qualifies(waiter, state, state.status);
      if (before === now) continue;
      waiter.found += now ? 1 : -1;
      this.resolveIfDone(state.accountId, waiter);
    }
  }

  /** The account's `deliveries` were forgotten (reset or retention): they no longer count. */
  forgotten(accountId: AccountId, deliveries: readonly DeliveryState[]): void {
    for (const waiter of this.byAccount.get(accountId) ?? []) {
      for (const state of deliveries) if (qualifies(waiter, state, state.status)) waiter.found--;
    }
  }

  rejectAll(error: Error): void {
    for (const set of this.byAccount.values()) {
      for (const waiter of set) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
    }
    this.byAccount.clear();
  }

  private resolveIfDone(accountId: AccountId, waiter: Waiter): boolean {
    if (waiter.found < waiter.count) return false;
    // The running count says "probably done"; the records decide, so a waiter never gets fewer than it asked for.
    const qualifying = this.qualifying(accountId, waiter);
    waiter.found = qualifying.length;
    if (waiter.found < waiter.count) return false;
    clearTimeout(waiter.timer);
    this.remove(accountId, waiter);
    waiter.resolve(qualifying.map(toDelivery));
    return true;
  }

  private qualifying(accountId: AccountId, waiter: Waiter): DeliveryState[] {
    return this.store.deliveries(accountId, waiter.filter).filter((state) => qualifies(waiter, state, state.status));
  }

  private remove(accountId: AccountId, waiter: Waiter): void {
    const set = this.byAccount.get(accountId);
    set?.delete(waiter);
    if (set?.size === 0) this.byAccount.delete(accountId);
  }

  /**
   * Says what was there. Listed without the status filter: a wait for `succeeded` deliveries that
   * times out is explained by the `failed` or `pending` ones, with their last errors.
   */
  private timeoutError(accountId: AccountId, waiter: Waiter, timeoutMs: number): Error {
    const { status, ...others } = waiter.filter;
    const seen = this.store.deliveries(accountId, others);
    const kind = status ?? (waiter.settled ? 'settled' : undefined);
    const matching = describeFilter(others);
    const wanted = [waiter.count, kind, deliveries(waiter.count)].filter((part) => part !== undefined).join(' ');
    const lines = [`waitForDeliveries timed out after ${timeoutMs} ms waiting for ${wanted}${matching}.`];
    if (seen.length === 0) {
      lines.push(`Saw no delivery${matching}: was the event emitted, and does an enabled webhook subscribe to it?`);
    } else {
      lines.push(`Saw ${seen.length} ${deliveries(seen.length)}${matching}: ${countByStatus(seen)}.`);
      const shown = seen.slice(-MAX_LISTED);
      if (seen.length > shown.length) lines.push(`  (the latest ${shown.length} of them)`);
      for (const state of shown) lines.push(`  ${describeDelivery(state)}`);
    }
    return new Error(lines.join('\n'));
  }
}

/** Deliveries listed one per line in a timeout message, the latest ones. */
const MAX_LISTED = 10;

const deliveries = (count: number) => (count === 1 ? 'delivery' : 'deliveries');
const attempts = (count: number) => `${count} ${count === 1 ? 'attempt' : 'attempts'}`;

function describeFilter({ webhookId, event }: DeliveryFilter): string {
  const parts = [event && `event ${event}`, webhookId !== undefined && `webhook ${webhookId}`].filter(Boolean);
  return parts.length === 0 ? '' : ` with ${parts.join(' and ')}`;
}

function countByStatus(states: readonly DeliveryState[]): string {
  const counts = new Map<DeliveryStatus, number>();
  for (const { status } of states) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

function describeDelivery(state: DeliveryState): string {
  const last = state.attempts.at(-1);
  let outcome: string;
  if (last === undefined) outcome = 'no attempt yet';
  else if (last.error !== null) outcome = `after ${attempts(state.attempts.length)}, last error: ${last.error}`;
  else if (last.statusCode !== null)
    outcome = `after ${attempts(state.attempts.length)}, last answer: HTTP ${last.statusCode}`;
  else outcome = `after ${attempts(state.attempts.length)}, the last still on the wire`;
  return `${state.id} (webhook ${state.webhookId}, ${state.event.event}): ${state.status} ${outcome}`;
}

/** Whether `state`, were its status `status`, counts for `waiter`. */
function qualifies(waiter: Waiter, state: DeliveryState, status: DeliveryStatus): boolean {
  return !(waiter.settled && status === 'pending') && matchesFilter(state, waiter.filter, status);
}
