import { signPayload, type TitanEvent } from '@titan-webhooks/sdk';
import { newDeliveryId } from '@titan-webhooks/sdk/internal';
import type { Delivery, DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import type { AccountId, DeliveryEngine, DeliveryEngineOptions, EmittedDelivery, StoredWebhook } from '../model.js';
import { WebhookDispatchers } from './agent.js';
import { FanOutIndex } from './fan-out-index.js';
import { attemptHeaders } from './headers.js';
import { Interner } from './intern.js';
import { Lanes } from './lanes.js';
import { AttemptRecord, DeliveryRecords, DeliveryState, type EventBody, toDelivery } from './records.js';
import { fixedSchedule, honoursRetryAfter, retryWaitMs } from './schedule.js';
import { sendAttempt } from './sender.js';
import { TimerHeap } from './timer-heap.js';
import { Waiters, type WaitFilter } from './waiters.js';

/**
 * Attempts on the wire per webhook (the rest wait in that webhook's FIFO) and in all. Eight keep one
 * receiver busy enough for thousands of deliveries a second. 256 in all keeps sockets well under the
 * usual limit of 1024 open files; a webhook whose receiver hangs holds 8, so it takes 32 of them at
 * once to fill it, and even then freed slots go round-robin over the webhooks with waiting work.
 */
const LANE_LIMITS = { perLane: 8, total: 256 };

export class Engine implements DeliveryEngine {
  private readonly index = new FanOutIndex();
  private readonly records = new DeliveryRecords();
  private readonly waiters = new Waiters(this.records);
  private readonly heap = new TimerHeap<DeliveryState>((state) => this.ready(state));
  private readonly limiter = new Lanes<number, DeliveryState>(LANE_LIMITS, (state) => this.run(state));
  /** Pending deliveries per webhook: what a delete or disable cancels. */
  private readonly pendingByWebhook = new Map<number, Set<DeliveryState>>();
  /** Attempts started and not yet recorded, for close() to wait on. */
  private readonly running = new Set<Promise<void>>();
  /** Failed attempts mostly fail alike ("connection refused: ..."): keep one string per message. */
  private readonly errors = new Interner<string>(1024);
  private readonly dispatchers: WebhookDispatchers;
  private closed = false;

  constructor(private readonly options: DeliveryEngineOptions) {
    this.dispatchers = new WebhookDispatchers({ ...options, connectionsPerWebhook: LANE_LIMITS.perLane });
  }

  webhookChanged(before: StoredWebhook | undefined, after: StoredWebhook | undefined): void {
    const id = (after ?? before)?.id;
    if (id === undefined) return;
    this.index.update(id, after);
    if (after === undefined || !after.enabled) this.cancelWebhook(id);
  }

  emit(accountId: AccountId, event: TitanEvent): EmittedDelivery[] {
    if (this.closed) throw new Error('the delivery engine is closed');
    const candidates = this.index.candidates(accountId, event.event);
    if (candidates.length === 0) return [];
    const body = JSON.stringify(event);
    const shared: EventBody = {
      id: event.id,
      event: event.event,
      session: event.session,
      body,
      byteLength: Buffer.byteLength(body),
    };
    const emitted: EmittedDelivery[] = [];
    for (const webhookId of candidates) {
      const webhook = this.options.webhooks.get(webhookId);
      if (webhook === undefined || !webhook.enabled) continue;
      if (webhook.session !== null && webhook.session !== event.session) continue;
      // The retry schedule is fixed now: later updates of `retries` don't change it.
      const state = new DeliveryState(
        newDeliveryId(),
        accountId,
        webhookId,
        shared,
        fixedSchedule(webhook.retries),
        webhook.url,
      );
      this.records.add(state);
      let pending = this.pendingByWebhook.get(webhookId);
      if (pending === undefined) {
        pending = new Set();
        this.pendingByWebhook.set(webhookId, pending);
      }
      pending.add(state);
      emitted.push({ id: state.id, webhookId });
      this.waiters.changed(state);
      this.limiter.push(webhookId, state);
    }
    return emitted;
  }

  list(accountId: AccountId, filter?: DeliveryFilter): Delivery[] {
    return this.records.list(accountId, filter).map(toDelivery);
  }

  get(accountId: AccountId, id: string): Delivery | undefined {
    const state = this.records.get(accountId, id);
    return state === undefined ? undefined : toDelivery(state);
  }

  waitFor(accountId: AccountId, filter: WaitFilter, timeoutMs: number): Promise<Delivery[]> {
    return this.waiters.wait(accountId, filter, timeoutMs);
  }

  reset(accountId: AccountId): void {
    for (const state of this.records.forget(accountId)) {
      if (state.status !== 'pending') continue;
      // A webhook belongs to one account, so its whole waiting lane goes too.
      this.limiter.clear(state.webhookId);
      this.cancel(state);
    }
    this.waiters.recount(accountId);
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const webhookId of [...this.pendingByWebhook.keys()]) this.cancelWebhook(webhookId);
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...this.running]), grace]);
      clearTimeout(timer);
    }
    await this.dispatchers.destroy();
    this.waiters.rejectAll(new Error('the delivery engine was closed'));
  }

  /** A retry fell due: it joins its webhook's lane. */
  private ready(state: DeliveryState): void {
    this.limiter.push(state.webhookId, state);
  }

  private run(state: DeliveryState): Promise<void> {
    const attempt = this.attempt(state);
    this.running.add(attempt);
    return attempt.finally(() => this.running.delete(attempt));
  }

  private async attempt(state: DeliveryState): Promise<void> {
    if (state.status !== 'pending') return;
    const { webhooks, deliveryTimeoutMs, logger } = this.options;
    // url, headers and key as they are now: a new key signs retries of older events.
    const webhook = webhooks.get(state.webhookId);
    if (webhook === undefined || !webhook.enabled) {
      // The store changed before webhookChanged() told us; the outcome is the same.
      this.finish(state, 'cancelled');
      return;
    }
    state.inFlight = true;
    const record = new AttemptRecord(state.attempts.length + 1, Date.now());
    state.addAttempt(record);
    const { body } = state.event;
    try {
      const signature = webhook.hmacKey === null ? undefined : await signPayload(body, webhook.hmacKey);
      const headers = attemptHeaders(state, record.attempt, signature, webhook.headers);
      state.url = webhook.url;
      state.signature = signature;
      state.customHeaders = webhook.headers;
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          { deliveryId: state.id, webhookId: state.webhookId, attempt: record.attempt, url: webhook.url },
          'delivery attempt',
        );
      }
      const outcome = await sendAttempt(this.dispatchers.for(state.webhookId), {
        url: webhook.url,
        headers,
        body,
        timeoutMs: deliveryTimeoutMs,
      });
      record.statusCode = outcome.statusCode;
      record.error = outcome.error === null ? null : this.errors.intern(outcome.error, outcome.error);
      record.durationMs = Date.now() - record.startedAt;
      this.settleAttempt(state, record, outcome.error === null ? outcome.retryAfterMs : null);
    } catch (error) {
      // Only a bug gets here (sendAttempt never throws); record it rather than lose the delivery.
      record.error = error instanceof Error ? error.message : String(error);
      record.durationMs = Date.now() - record.startedAt;
      this.settleAttempt(state, record, null);
    }
  }

  /** Decides what follows a finished attempt. */
  private settleAttempt(state: DeliveryState, record: AttemptRecord, retryAfterMs: number | null): void {
    state.inFlight = false;
    const { statusCode, error } = record;
    const succeeded = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (succeeded) {
      this.finish(state, 'succeeded');
      return;
    }
    this.options.logger.warn(
      {
        deliveryId: state.id,
        webhookId: state.webhookId,
        attempt: record.attempt,
        statusCode,
        error,
        durationMs: record.durationMs,
      },
      'delivery attempt failed',
    );
    // Delete, disable, reset or close while on the wire: no retry follows.
    if (state.cancelRequested || this.closed) {
      this.finish(state, 'cancelled');
      return;
    }
    if (statusCode === 410 || record.attempt > state.retries.attempts) {
      this.finish(state, 'failed');
      return;
    }
    const wait = retryWaitMs(
      state.retries,
      record.attempt,
      honoursRetryAfter(statusCode) ? retryAfterMs : null,
      this.options.timeScale,
    );
    state.due = Date.now() + wait;
    record.nextRetryAt = state.due;
    this.heap.push(state);
  }

  private cancelWebhook(webhookId: number): void {
    this.limiter.clear(webhookId);
    for (const state of [...(this.pendingByWebhook.get(webhookId) ?? [])]) this.cancel(state);
  }

  /** Cancels what has not started; an attempt on the wire completes and decides itself. */
  private cancel(state: DeliveryState): void {
    if (state.inFlight) {
      state.cancelRequested = true;
      return;
    }
    this.heap.remove(state);
    const last = state.attempts.at(-1);
    if (last !== undefined) last.nextRetryAt = null;
    this.finish(state, 'cancelled');
  }

  private finish(state: DeliveryState, status: Exclude<DeliveryStatus, 'pending'>): void {
    const previous = state.status;
    state.status = status;
    const pending = this.pendingByWebhook.get(state.webhookId);
    pending?.delete(state);
    if (pending?.size === 0) this.pendingByWebhook.delete(state.webhookId);
    const { logger } = this.options;
    if (logger.isLevelEnabled('debug')) {
      logger.debug(
        { deliveryId: state.id, webhookId: state.webhookId, status, attempts: state.attempts.length },
        'delivery finished',
      );
    }
    this.waiters.changed(state, previous);
  }
}
