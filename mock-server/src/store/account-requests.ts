import { firstAfter } from './first-after.js';
import type { RequestRecord, RequestRecordsPage } from './store.js';

/** Requests kept per account: the latest ones; older ones are forgotten as new ones arrive. */
export const REQUESTS_KEPT_PER_ACCOUNT = 1000;

/**
 * One account's recorded requests, oldest first, at most REQUESTS_KEPT_PER_ACCOUNT. Adding is O(1):
 * forgotten records stay at the front of the array until they are as many as the kept ones.
 */
export class AccountRequests {
  private records: RequestRecord[] = [];
  private head = 0;

  /** Records arrive in increasing `seq`; when that forgets the oldest, returns the `seq` of the oldest kept. */
  add(record: RequestRecord): number | undefined {
    this.records.push(record);
    if (this.records.length - this.head <= REQUESTS_KEPT_PER_ACCOUNT) return undefined;
    this.head++;
    if (this.head >= REQUESTS_KEPT_PER_ACCOUNT) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    return this.records[this.head]!.seq;
  }

  /** Up to `limit` matching records with a `seq` above `after`. */
  page(matches: (record: RequestRecord) => boolean, limit: number, after: number): RequestRecordsPage {
    const records: RequestRecord[] = [];
    for (let i = firstAfter(this.records, after, this.head); i < this.records.length; i++) {
      const record = this.records[i]!;
      if (!matches(record)) continue;
      if (records.length === limit) return { records, next: records.at(-1)!.seq };
      records.push(record);
    }
    return { records, next: null };
  }
}
