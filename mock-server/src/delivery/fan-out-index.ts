import type { AccountId, StoredWebhook } from '../model.js';

/** The index key of webhooks that take every event (`events` omitted, `[]` or `["*"]`). */
const ALL = '*';

const NONE: readonly number[] = Object.freeze([]);

interface Indexed {
  accountId: AccountId;
  keys: string[];
}

/**
 * Enabled webhooks by account, then by event name (or `*`), so an emit looks only at webhooks
 * subscribed to its event. Session filters are checked by the caller on those candidates only.
 * What was indexed is remembered per webhook, so removal never trusts a `before` that the store
 * may have mutated in place.
 */
export class FanOutIndex {
  private readonly accounts = new Map<AccountId, Map<string, Set<number>>>();
  private readonly indexed = new Map<number, Indexed>();
  /** Answers of `candidates` by account and event, until the next update: emits far outnumber changes. */
  private readonly answers = new Map<AccountId, Map<string, readonly number[]>>();

  /** Re-indexes one webhook; `undefined` or disabled removes it. */
  update(id: number, webhook: StoredWebhook | undefined): void {
    this.answers.clear();
    this.remove(id);
    if (webhook === undefined || !webhook.enabled) return;
    const keys = webhook.events.length === 0 || webhook.events.includes(ALL) ? [ALL] : [...new Set(webhook.events)];
    let byEvent = this.accounts.get(webhook.accountId);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.accounts.set(webhook.accountId, byEvent);
    }
    for (const key of keys) {
      let ids = byEvent.get(key);
      if (ids === undefined) {
        ids = new Set();
        byEvent.set(key, ids);
      }
      ids.add(id);
    }
    this.indexed.set(id, { accountId: webhook.accountId, keys });
  }

  /** Ids of the account's enabled webhooks subscribed to `event`, ascending (creation order). */
  candidates(accountId: AccountId, event: string): readonly number[] {
    const byEvent = this.accounts.get(accountId);
    if (byEvent === undefined) return NONE;
    let answers = this.answers.get(accountId);
    if (answers === undefined) {
      answers = new Map();
      this.answers.set(accountId, answers);
    }
    let ids = answers.get(event);
    if (ids === undefined) {
      // A webhook sits in one set or the other, never both; sorting gives a stable delivery order.
      ids = [...(byEvent.get(event) ?? []), ...(byEvent.get(ALL) ?? [])].sort((a, b) => a - b);
      answers.set(event, ids);
    }
    return ids;
  }

  private remove(id: number): void {
    const entry = this.indexed.get(id);
    if (entry === undefined) return;
    this.indexed.delete(id);
    const byEvent = this.accounts.get(entry.accountId)!;
    for (const key of entry.keys) {
      const ids = byEvent.get(key)!;
      ids.delete(id);
      if (ids.size === 0) byEvent.delete(key);
    }
    if (byEvent.size === 0) this.accounts.delete(entry.accountId);
  }
}
