import type { DeliveryFilter } from '@titan-webhooks/sdk/mock';
import { type DeliveryState, matchesFilter } from '../delivery/records.js';
import { firstAfter } from './first-after.js';

/**
 * One account's deliveries: in creation order for lists and pages, and in the order they settled
 * for retention. Forgetting is O(1): a forgotten delivery (`kept` false) stays in `ordered` as a hole
 * until the holes outnumber the kept entries, then the array is compacted.
 */
export class AccountDeliveries {
  private ordered: DeliveryState[] = [];
  private kept = 0;
  /** Settled deliveries, first settled first: what retention forgets. */
  private settled: DeliveryState[] = [];
  private settledHead = 0;

  get size(): number {
    return this.kept;
  }

  /** States arrive in increasing `seq`. */
  add(state: DeliveryState): void {
    this.ordered.push(state);
    this.kept++;
    if (state.status !== 'pending') this.settledNow(state);
  }

  settledNow(state: DeliveryState): void {
    this.settled.push(state);
  }

  /** Forgets settled deliveries, first settled first, until at most `retain` are left; returns them. */
  trim(retain: number): DeliveryState[] {
    const dropped: DeliveryState[] = [];
    while (this.kept > retain && this.settledHead < this.settled.length) {
      const state = this.settled[this.settledHead]!;
      this.settled[this.settledHead++] = undefined as unknown as DeliveryState;
      if (!state.kept) continue;
      state.kept = false;
      this.kept--;
      dropped.push(state);
    }
    if (this.settledHead > 1024 && this.settledHead * 2 > this.settled.length) {
      this.settled = this.settled.slice(this.settledHead);
      this.settledHead = 0;
    }
    if (this.ordered.length > 2 * this.kept + 1024) this.ordered = this.ordered.filter((s) => s.kept);
    return dropped;
  }

  /** Forgets everything; returns what was live. */
  clear(): DeliveryState[] {
    const all = this.ordered.filter((s) => s.kept);
    for (const state of all) state.kept = false;
    this.ordered = [];
    this.kept = 0;
    this.settled = [];
    this.settledHead = 0;
    return all;
  }

  matching(filter: DeliveryFilter = {}): DeliveryState[] {
    return this.ordered.filter((s) => s.kept && matchesFilter(s, filter));
  }

  /** Up to `limit` matching deliveries with a `seq` above `after`, and whether more follow. */
  page(filter: DeliveryFilter, limit: number, after: number): { deliveries: DeliveryState[]; more: boolean } {
    const deliveries: DeliveryState[] = [];
    for (let i = firstAfter(this.ordered, after); i < this.ordered.length; i++) {
      const state = this.ordered[i]!;
      if (!state.kept || !matchesFilter(state, filter)) continue;
      if (deliveries.length === limit) return { deliveries, more: true };
      deliveries.push(state);
    }
    return { deliveries, more: false };
  }

  pending(): DeliveryState[] {
    return this.ordered.filter((s) => s.status === 'pending' && s.kept);
  }
}
