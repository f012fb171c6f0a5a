import { newDeliveryId } from '@titan-webhooks/sdk/internal';
import type { DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import { type AttemptRecord, DeliveryState } from '../delivery/records.js';
import type { ReceivedResponse } from '../delivery/response-body.js';
import type { AccountId, StoredWebhook } from '../model.js';
import { AccountDeliveries } from './account-deliveries.js';
import { AccountRequests } from './account-requests.js';
import { DEFAULT_RESPONSE_BUDGET_BYTES, ResponseBudget } from './response-budget.js';
import type {
  DeliveryPage,
  MockStore,
  NewDelivery,
  RequestRecord,
  RequestRecordsPage,
  StoreChange,
  StoreListener,
} from './store.js';

/** What a change means for a file: the SQLite store writes these; the memory store has nothing to write. */
export type StoreWrite =
  | { kind: 'account'; tokenDigest: string; accountId: AccountId }
  | { kind: 'setting'; name: StoreSetting; value: string | number }
  | { kind: 'webhook'; id: number; webhook: StoredWebhook | undefined }
  | { kind: 'delivery'; delivery: DeliveryState }
  | { kind: 'forget'; deliveries: readonly DeliveryState[] }
  | { kind: 'request'; record: RequestRecord }
  /** The account's recorded requests below `seq` are forgotten. */
  | { kind: 'requestsKeptFrom'; accountId: AccountId; seq: number };

export type StoreSetting = 'developmentToken' | 'nextWebhookId' | 'nextDeliverySeq' | 'nextAccount' | 'nextRequestSeq';

export interface MemoryStoreOptions {
  /** Settled deliveries kept per account; past it the first settled are forgotten. */
  retainDeliveries: number;
  /** Bytes of recorded responses kept in memory (see ResponseBudget); 32 MiB by default. */
  responseBudgetBytes?: number;
}

const COMMITTED = Promise.resolve();

/** The default store: everything in memory, gone when the process ends. */
export class MemoryStore implements MockStore {
  protected readonly webhooksById = new Map<number, StoredWebhook>();
  protected readonly accounts = new Map<string, AccountId>();
  protected readonly deliveriesByAccount = new Map<AccountId, AccountDeliveries>();
  protected readonly deliveriesById = new Map<string, DeliveryState>();
  protected readonly requestsByAccount = new Map<AccountId, AccountRequests>();
  protected token: string | undefined;
  protected nextWebhookId = 1;
  protected nextDeliverySeq = 1;
  protected nextAccount = 1;
  protected nextRequestSeq = 1;
  protected closed = false;
  private readonly listeners = new Set<StoreListener>();
  protected readonly responses: ResponseBudget;

  constructor(protected readonly options: MemoryStoreOptions) {
    this.responses = new ResponseBudget(options.responseBudgetBytes ?? DEFAULT_RESPONSE_BUDGET_BYTES, {
      emptied: (state) => this.write({ kind: 'delivery', delivery: state }),
    });
  }

  accountId(tokenDigest: string): AccountId {
    const known = this.accounts.get(tokenDigest);
    if (known !== undefined) return known;
    // Ordinal ids, so neither tokens nor their digests reach the logs.
    const accountId = `account_${this.nextAccount++}`;
    this.accounts.set(tokenDigest, accountId);
    this.write({ kind: 'account', tokenDigest, accountId });
    this.write({ kind: 'setting', name: 'nextAccount', value: this.nextAccount });
    return accountId;
  }

  developmentToken(): string | undefined {
    return this.token;
  }

  saveDevelopmentToken(token: string): void {
    this.token = token;
    this.write({ kind: 'setting', name: 'developmentToken', value: token });
  }

  get(id: number): StoredWebhook | undefined {
    return this.webhooksById.get(id);
  }

  find(accountId: AccountId, id: number): StoredWebhook | undefined {
    const webhook = this.webhooksById.get(id);
    return webhook?.accountId === accountId ? webhook : undefined;
  }

  list(accountId: AccountId): StoredWebhook[] {
    // A Map keeps insertion order and ids only grow: oldest first.
    return [...this.webhooksById.values()].filter((webhook) => webhook.accountId === accountId);
  }

  allWebhooks(): StoredWebhook[] {
    return [...this.webhooksById.values()];
  }

  createWebhook(fields: Omit<StoredWebhook, 'id' | 'createdAt'>): StoredWebhook {
    const webhook: StoredWebhook = { ...fields, id: this.nextWebhookId++, createdAt: new Date().toISOString() };
    this.webhooksById.set(webhook.id, webhook);
    this.write({ kind: 'setting', name: 'nextWebhookId', value: this.nextWebhookId });
    this.write({ kind: 'webhook', id: webhook.id, webhook });
    this.publish({ type: 'webhook', before: undefined, after: webhook });
    return webhook;
  }

  replaceWebhook(webhook: StoredWebhook): void {
    const before = this.webhooksById.get(webhook.id);
    this.webhooksById.set(webhook.id, webhook);
    this.write({ kind: 'webhook', id: webhook.id, webhook });
    this.publish({ type: 'webhook', before, after: webhook });
  }

  deleteWebhook(id: number): void {
    const before = this.webhooksById.get(id);
    if (before === undefined) return;
    this.webhooksById.delete(id);
    this.write({ kind: 'webhook', id, webhook: undefined });
    this.publish({ type: 'webhook', before, after: undefined });
  }

  resetAccount(accountId: AccountId): void {
    for (const webhook of this.list(accountId)) this.deleteWebhook(webhook.id);
    const deliveries = this.deliveriesByAccount.get(accountId)?.clear() ?? [];
    this.deliveriesByAccount.delete(accountId);
    this.forget(accountId, deliveries);
    if (this.requestsByAccount.delete(accountId)) {
      this.write({ kind: 'requestsKeptFrom', accountId, seq: this.nextRequestSeq });
    }
  }

  createDelivery({
    accountId,
    webhookId,
    event,
    retries,
    url,
    firstDue,
    signatureMode,
    waitsFor,
  }: NewDelivery): DeliveryState {
    const state = new DeliveryState(
      this.nextDeliverySeq++,
      newDeliveryId(),
      accountId,
      webhookId,
      event,
      retries,
      url,
      Date.now(),
    );
    state.due = firstDue ?? state.createdAt;
    if (signatureMode !== undefined) state.signatureMode = signatureMode;
    if (waitsFor !== undefined) state.waitsFor = waitsFor;
    this.write({ kind: 'setting', name: 'nextDeliverySeq', value: this.nextDeliverySeq });
    this.add(state);
    this.write({ kind: 'delivery', delivery: state });
    this.publish({ type: 'delivery', delivery: state, previous: undefined });
    this.retain(accountId);
    return state;
  }

  deliveryChanged(state: DeliveryState, previous?: DeliveryStatus): void {
    // A delivery forgotten by a reset can still finish an attempt that was on the wire: nothing to keep.
    if (this.closed || !state.kept) return;
    this.write({ kind: 'delivery', delivery: state });
    const statusChanged = previous !== undefined && previous !== state.status;
    if (statusChanged && state.status !== 'pending') this.deliveriesByAccount.get(state.accountId)!.settledNow(state);
    // Every change is published, not only a new status: the live stream shows each attempt.
    this.publish({ type: 'delivery', delivery: state, previous: previous ?? state.status });
    if (statusChanged) this.retain(state.accountId);
  }

  recordResponse(state: DeliveryState, record: AttemptRecord, response: ReceivedResponse | null): void {
    record.response = response;
    if (state.kept) this.responses.admit(state, record);
  }

  delivery(accountId: AccountId, id: string): DeliveryState | undefined {
    const state = this.deliveriesById.get(id);
    return state?.accountId === accountId ? state : undefined;
  }

  deliveries(accountId: AccountId, filter?: DeliveryFilter): DeliveryState[] {
    return this.deliveriesByAccount.get(accountId)?.matching(filter) ?? [];
  }

  deliveryPage(accountId: AccountId, filter: DeliveryFilter, limit: number, after = 0): DeliveryPage {
    const page = this.deliveriesByAccount.get(accountId)?.page(filter, limit, after);
    if (page === undefined) return { deliveries: [], next: null };
    return { deliveries: page.deliveries, next: page.more ? page.deliveries.at(-1)!.seq : null };
  }

  pendingDeliveries(): DeliveryState[] {
    return [...this.deliveriesByAccount.values()].flatMap((account) => account.pending());
  }

  recordRequest(fields: Omit<RequestRecord, 'seq'>): void {
    if (this.closed) return;
    const record: RequestRecord = { seq: this.nextRequestSeq++, ...fields };
    this.write({ kind: 'setting', name: 'nextRequestSeq', value: this.nextRequestSeq });
    this.write({ kind: 'request', record });
    const keptFrom = this.addRequest(record);
    if (keptFrom !== undefined) {
      this.write({ kind: 'requestsKeptFrom', accountId: record.accountId, seq: keptFrom });
    }
  }

  requestPage(
    accountId: AccountId,
    matches: (record: RequestRecord) => boolean,
    limit: number,
    after = 0,
  ): RequestRecordsPage {
    return this.requestsByAccount.get(accountId)?.page(matches, limit, after) ?? { records: [], next: null };
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  durable(): Promise<void> {
    return COMMITTED;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  /** Records a change for the file, if there is one. */
  protected write(_change: StoreWrite): void {}

  /** Adds a delivery to the indexes, as created or as loaded. */
  protected add(state: DeliveryState): void {
    let account = this.deliveriesByAccount.get(state.accountId);
    if (account === undefined) {
      account = new AccountDeliveries();
      this.deliveriesByAccount.set(state.accountId, account);
    }
    account.add(state);
    this.deliveriesById.set(state.id, state);
  }

  /** Adds a recorded request, as recorded or as loaded; see AccountRequests.add for what it returns. */
  protected addRequest(record: RequestRecord): number | undefined {
    let account = this.requestsByAccount.get(record.accountId);
    if (account === undefined) {
      account = new AccountRequests();
      this.requestsByAccount.set(record.accountId, account);
    }
    return account.add(record);
  }

  /** Forgets the account's settled deliveries past the retention limit. */
  protected retain(accountId: AccountId): void {
    const account = this.deliveriesByAccount.get(accountId);
    if (account === undefined || account.size <= this.options.retainDeliveries) return;
    this.forget(accountId, account.trim(this.options.retainDeliveries));
  }

  private forget(accountId: AccountId, deliveries: DeliveryState[]): void {
    if (deliveries.length === 0) return;
    for (const state of deliveries) this.deliveriesById.delete(state.id);
    this.responses.release(deliveries);
    this.write({ kind: 'forget', deliveries });
    this.publish({ type: 'forgotten', accountId, deliveries });
  }

  private publish(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
