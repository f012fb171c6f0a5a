import type { TitanEvent } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFaults, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import type {
  AccountId,
  DeliveryEngine,
  DeliveryEngineOptions,
  EmittedDelivery,
  Redelivery,
  SequenceDelivery,
  StoredWebhook,
} from '../model.js';
import type { MockStore, StoreChange } from '../store/store.js';
import { WebhookDispatchers } from './agent.js';
import { FanOutIndex } from './fan-out-index.js';
import { attemptHeaderList } from './headers.js';
import { Interner } from './intern.js';
import { Lanes } from './lanes.js';
import { AttemptRecord, type DeliveryState, type EventBody, NO_PREDECESSORS } from './records.js';
import { fixedSchedule, honoursRetryAfter, retryWaitMs } from './schedule.js';
import { sendAttempt } from './sender.js';
import { SharedResponses } from './shared-responses.js';
import { attemptSignature } from './signature.js';
import { TimerHeap } from './timer-heap.js';
import { Waiters, type WaitFilter } from './waiters.js';

/**
 * Attempts on the wire per webhook (the rest wait in that webhook's FIFO) and in all. Eight keep one
 * receiver busy enough for thousands of deliveries a second. 256 in all keeps sockets well under the
 * usual limit of 1024 open files; a webhook whose receiver hangs holds 8, so it takes 32 of them at
 * once to fill it, and even then freed slots go round-robin over the webhooks with waiting work.
 */
const LANE_LIMITS = { perLane: 8, total: 256 };

/** What an attempt that was on the wire when the process stopped is recorded as, at the next start. */
const INTERRUPTED = 'interrupted';

export class Engine implements DeliveryEngine {
  private readonly index = new FanOutIndex();
  private readonly store: MockStore;
  private readonly waiters: Waiters;
  private readonly heap = new TimerHeap<DeliveryState>((state) => this.ready(state));
  private readonly limiter = new Lanes<number, DeliveryState>(LANE_LIMITS, (state) => this.attempt(state));
  /** Deliveries whose first attempt waits for this one to settle (the next step of a scenario). */
  private readonly followers = new Map<DeliveryState, DeliveryState[]>();
  /** Attempts started and not yet recorded; close() waits for the count to reach zero. */
  private running = 0;
  private allRecorded: (() => void) | undefined;
  /** Failed attempts mostly fail alike ("connection refused: ..."): keep one string per message. */
  private readonly errors = new Interner<string>(1024);
  private readonly responses = new SharedResponses();
  private readonly dispatchers: WebhookDispatchers;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: DeliveryEngineOptions) {
    this.dispatchers = new WebhookDispatchers({ ...options, connectionsPerWebhook: LANE_LIMITS.perLane });
    this.store = options.store;
    this.waiters = new Waiters(this.store);
    for (const webhook of this.store.allWebhooks()) this.index.update(webhook.id, webhook);
    this.unsubscribe = this.store.subscribe((change) => this.storeChanged(change));
    this.resume();
  }

  private storeChanged(change: StoreChange): void {
    switch (change.type) {
      case 'webhook':
        this.webhookChanged(change.before, change.after);
        break;
      case 'delivery':
        this.waiters.changed(change.delivery, change.previous);
        break;
      case 'forgotten':
        for (const state of change.deliveries) if (state.status === 'pending') this.cancel(state);
        this.waiters.forgotten(change.accountId, change.deliveries);
        break;
    }
  }

  private webhookChanged(before: StoredWebhook | undefined, after: StoredWebhook | undefined): void {
    const webhook = after ?? before;
    if (webhook === undefined) return;
    this.index.update(webhook.id, after);
    if (after === undefined) this.responses.forget(webhook.id);
    if (after === undefined || !after.enabled) this.cancelWebhook(webhook.accountId, webhook.id);
  }

  /**
   * Picks up the pending deliveries the store kept from a previous run: an attempt that was on the
   * wire when it stopped failed as interrupted; a first attempt still waiting for the previous step
   * of a scenario keeps waiting; the rest join the heap at their due times, so the overdue ones run
   * at once, oldest due first.
   */
  private resume(): void {
    for (const state of this.store.pendingDeliveries()) {
      const last = state.attempts.at(-1);
      if (last !== undefined && state.lastAttemptUnfinished) {
        last.error = INTERRUPTED;
        this.settleAttempt(state, last, null);
      } else if (!this.waitsForPredecessor(state)) {
        this.heap.push(state);
      }
    }
  }

  emit(accountId: AccountId, event: TitanEvent, faults: DeliveryFaults = {}): EmittedDelivery[] {
    if (this.closed) throw new Error('the delivery engine is closed');
    return this.fanOut(accountId, event, faults).map(({ id, webhookId }) => ({ id, webhookId }));
  }

  emitInOrder(accountId: AccountId, events: readonly TitanEvent[], faults: DeliveryFaults = {}): SequenceDelivery[] {
    if (this.closed) throw new Error('the delivery engine is closed');
    const latest = new Map<number, DeliveryState[]>();
    return events.flatMap((event) =>
      this.fanOut(accountId, event, faults, latest).map(({ id, webhookId }) => ({ id, webhookId, eventId: event.id })),
    );
  }

  /**
   * Creates the event's deliveries to every matching webhook, `faults.duplicates` extra ones each.
   * In a sequence, `latest` holds each webhook's deliveries of the previous event: the new ones wait
   * for all of them to settle, and then replace them there.
   */
  private fanOut(
    accountId: AccountId,
    event: TitanEvent,
    { duplicates = 0, delaySeconds = 0, signature = 'valid' }: DeliveryFaults,
    latest?: Map<number, DeliveryState[]>,
  ): DeliveryState[] {
    const emitted: DeliveryState[] = [];
    const candidates = this.index.candidates(accountId, event.event);
    const body = candidates.length === 0 ? '' : JSON.stringify(event);
    const shared: EventBody = {
      id: event.id,
      event: event.event,
      session: event.session,
      body,
      byteLength: Buffer.byteLength(body),
    };
    // A delayed first attempt is a due time like a retry's, scaled alike.
    const firstDue = Date.now() + delaySeconds * 1000 * this.options.timeScale;
    for (const webhookId of candidates) {
      const webhook = this.store.get(webhookId);
      if (webhook === undefined || !webhook.enabled) continue;
      if (webhook.session !== null && webhook.session !== event.session) continue;
      const waitsFor = latest?.get(webhookId)?.map((previous) => previous.id) ?? NO_PREDECESSORS;
      // The retry schedule is fixed now: later updates of `retries` don't change it.
      const retries = fixedSchedule(webhook.retries);
      const copies: DeliveryState[] = [];
      for (let copy = 0; copy <= duplicates; copy++) {
        const state = this.store.createDelivery({
          accountId,
          webhookId,
          event: shared,
          retries,
          url: webhook.url,
          firstDue,
          signatureMode: signature,
          waitsFor,
        });
        copies.push(state);
      }
      latest?.set(webhookId, copies);
      // The copies start together, so a receiver sees them concurrently (up to the lane's limit).
      for (const state of copies) this.scheduleFirst(state);
      emitted.push(...copies);
    }
    const { logger } = this.options;
    if (logger.isLevelEnabled('info')) {
      logger.info({ event: event.event, eventId: event.id, deliveries: emitted.length }, 'emit');
    }
    return emitted;
  }

  redeliver(accountId: AccountId, deliveryId: string): Redelivery {
    if (this.closed) throw new Error('the delivery engine is closed');
    const original = this.store.delivery(accountId, deliveryId);
    if (original === undefined) return 'not_found';
    const webhook = this.store.find(accountId, original.webhookId);
    if (webhook === undefined) return 'webhook_deleted';
    if (!webhook.enabled) return 'webhook_disabled';
    // The same EventBody: the same bytes, and the store keeps them while any delivery refers to them.
    // Signed properly and waiting for nothing: the faults of the original's emit were for that emit.
    const state = this.store.createDelivery({
      accountId,
      webhookId: webhook.id,
      event: original.event,
      retries: fixedSchedule(webhook.retries),
      url: webhook.url,
      firstDue: Date.now(),
      signatureMode: 'valid',
      waitsFor: NO_PREDECESSORS,
    });
    this.scheduleFirst(state);
    return { id: state.id, webhookId: webhook.id };
  }

  /** The first attempt: after the deliveries it waits for have settled, and not before its due time. */
  private scheduleFirst(state: DeliveryState): void {
    if (this.waitsForPredecessor(state)) return;
    if (state.due > Date.now()) this.heap.push(state);
    else this.limiter.push(state.webhookId, state);
  }

  /**
   * Whether one of the deliveries `state` waits for is still pending; it then follows that one and is
   * looked at again when it settles.
   */
  private waitsForPredecessor(state: DeliveryState): boolean {
    for (const id of state.waitsFor) {
      const predecessor = this.store.delivery(state.accountId, id);
      if (predecessor?.status !== 'pending') continue;
      const followers = this.followers.get(predecessor);
      if (followers === undefined) this.followers.set(predecessor, [state]);
      else followers.push(state);
      return true;
    }
    return false;
  }

  /** `settled` no longer holds back the deliveries that followed it. */
  private releaseFollowers(settled: DeliveryState): void {
    const followers = this.followers.get(settled);
    if (followers === undefined) return;
    this.followers.delete(settled);
    if (this.closed) return;
    for (const state of followers) if (state.status === 'pending') this.scheduleFirst(state);
  }

  waitFor(accountId: AccountId, filter: WaitFilter, timeoutMs: number): Promise<Delivery[]> {
    return this.waiters.wait(accountId, filter, timeoutMs);
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    // Pending deliveries stay pending in the store: a store that outlives the process resumes them.
    this.heap.clear();
    this.limiter.clearAll();
    if (this.running > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.allRecorded = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    await this.dispatchers.destroy();
    this.waiters.rejectAll(new Error('the delivery engine was closed'));
  }

  /** A retry fell due: it joins its webhook's lane. */
  private ready(state: DeliveryState): void {
    this.limiter.push(state.webhookId, state);
  }

  private async attempt(state: DeliveryState): Promise<void> {
    if (state.status !== 'pending' || this.closed) return;
    const { deliveryTimeoutMs, logger } = this.options;
    // url, headers and key as they are now: a new key signs retries of older events.
    const webhook = this.store.get(state.webhookId);
    if (webhook === undefined || !webhook.enabled) {
      // Only reachable if the change event has not cancelled it yet; the outcome is the same.
      this.finish(state, 'cancelled');
      return;
    }
    state.inFlight = true;
    this.running++;
    const record = new AttemptRecord(state.attempts.length + 1, Date.now());
    state.addAttempt(record);
    const { body } = state.event;
    try {
      const signature = await attemptSignature(body, webhook.hmacKey, state.signatureMode);
      const headers = attemptHeaderList(state, record.attempt, signature, webhook.headers);
      state.url = webhook.url;
      state.signature = signature;
      state.customHeaders = webhook.headers;
      // On the wire only once the store knows: after a crash the attempt is then recorded as interrupted.
      this.store.deliveryChanged(state);
      await this.store.durable();
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
      this.store.recordResponse(
        state,
        record,
        outcome.response && this.responses.share(state.webhookId, outcome.response),
      );
      this.settleAttempt(state, record, outcome.error === null ? outcome.retryAfterMs : null);
    } catch (error) {
      // Only a bug gets here (sendAttempt never throws); record it rather than lose the delivery.
      record.error = error instanceof Error ? error.message : String(error);
      record.durationMs = Date.now() - record.startedAt;
      this.settleAttempt(state, record, null);
    } finally {
      if (--this.running === 0) this.allRecorded?.();
    }
  }

  /** Decides what follows a finished attempt. */
  private settleAttempt(state: DeliveryState, record: AttemptRecord, retryAfterMs: number | null): void {
    state.inFlight = false;
    const { statusCode, error } = record;
    const succeeded = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
    // One line per finished attempt, at info or above, so a terminal shows every delivery as it happens.
    const { logger } = this.options;
    const line = logger.isLevelEnabled(succeeded ? 'info' : 'warn') && {
      event: state.event.event,
      deliveryId: state.id,
      webhookId: state.webhookId,
      attempt: record.attempt,
      statusCode,
      error,
      durationMs: record.durationMs,
    };
    if (succeeded) {
      if (line) logger.info(line, 'attempt succeeded');
      this.finish(state, 'succeeded');
      return;
    }
    if (line) logger.warn(line, 'attempt failed');
    // Delete, disable or reset while on the wire: no retry follows.
    if (state.cancelRequested) {
      this.finish(state, 'cancelled');
      return;
    }
    if (statusCode === 410 || record.attempt > state.retries.attempts) {
      this.options.logger.warn(
        { event: state.event.event, deliveryId: state.id, webhookId: state.webhookId, attempts: record.attempt },
        statusCode === 410 ? 'delivery failed: the receiver answered 410 Gone' : 'delivery failed: no retries left',
      );
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
    this.store.deliveryChanged(state);
    // Closing: the retry stays due in the store, for the next start to run.
    if (!this.closed) this.heap.push(state);
  }

  private cancelWebhook(accountId: AccountId, webhookId: number): void {
    this.limiter.clear(webhookId);
    for (const state of this.store.deliveries(accountId, { webhookId, status: 'pending' })) this.cancel(state);
  }

  /** Cancels what has not started; an attempt on the wire completes and decides itself. */
  private cancel(state: DeliveryState): void {
    // Already settled: a follower released, started and cancelled by the same delete.
    if (state.status !== 'pending') return;
    if (state.inFlight) {
      state.cancelRequested = true;
      return;
    }
    this.heap.remove(state);
    const last = state.attempts.at(-1);
    if (last !== undefined) last.nextRetryAt = null;
    state.due = 0;
    this.finish(state, 'cancelled');
  }

  private finish(state: DeliveryState, status: Exclude<DeliveryStatus, 'pending'>): void {
    const previous = state.status;
    state.status = status;
    const { logger } = this.options;
    if (logger.isLevelEnabled('debug')) {
      logger.debug(
        { deliveryId: state.id, webhookId: state.webhookId, status, attempts: state.attempts.length },
        'delivery finished',
      );
    }
    this.store.deliveryChanged(state, previous);
    this.releaseFollowers(state);
  }
}
