import { Fifo } from './fifo.js';

export interface LaneLimits {
  /** Runs at a time per key: what one key (one webhook) may hold, however slow it is. */
  perLane: number;
  /** Runs at a time in all: bounds sockets and memory. */
  total: number;
}

interface Lane<K, T> {
  key: K;
  active: number;
  waiting: Fifo<T>;
  /** In the round-robin of lanes waiting for a free slot of the total. */
  queued: boolean;
  /** Frees the slot of a finished run; one function per lane rather than one per run. */
  finished: () => void;
}

/**
 * Runs items per key (per webhook) in FIFO order, at most `perLane` at a time per key and `total` in
 * all. When the total is reached, freed slots go round-robin to the keys with waiting items, so a key
 * with a long backlog cannot starve the others, and keys whose receivers hang hold at most `perLane`
 * slots each.
 */
export class Lanes<K, T> {
  private readonly lanes = new Map<K, Lane<K, T>>();
  /** Lanes with waiting items and a free slot of their own, waiting for a slot of the total. */
  private readonly turns = new Fifo<Lane<K, T>>();
  private active = 0;

  constructor(
    private readonly limits: LaneLimits,
    /** Must not reject: the engine records failures itself. */
    private readonly run: (item: T) => Promise<void>,
  ) {}

  push(key: K, item: T): void {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      const created: Lane<K, T> = {
        key,
        active: 0,
        waiting: new Fifo(),
        queued: false,
        finished: () => this.release(created),
      };
      lane = created;
      this.lanes.set(key, lane);
    }
    // A free slot of the total means no lane is waiting for one (each release hands freed slots out at once).
    if (lane.active < this.limits.perLane && this.active < this.limits.total) {
      this.start(lane, item);
      return;
    }
    lane.waiting.push(item);
    this.enqueueTurn(lane);
  }

  /** Drops the key's waiting items (runs in progress finish). */
  clear(key: K): void {
    const lane = this.lanes.get(key);
    if (lane === undefined) return;
    lane.waiting.clear();
    this.forgetIfIdle(lane);
  }

  /** Drops every key's waiting items (runs in progress finish). */
  clearAll(): void {
    for (const lane of [...this.lanes.values()]) this.clear(lane.key);
  }

  private start(lane: Lane<K, T>, item: T): void {
    lane.active++;
    this.active++;
    void this.run(item).then(lane.finished, lane.finished);
  }

  private release(lane: Lane<K, T>): void {
    lane.active--;
    this.active--;
    this.enqueueTurn(lane);
    while (this.active < this.limits.total) {
      const next = this.turns.shift();
      if (next === undefined) break;
      next.queued = false;
      const item = next.waiting.shift();
      if (item === undefined) continue; // cleared while waiting for its turn
      this.start(next, item);
      this.enqueueTurn(next);
    }
    this.forgetIfIdle(lane);
  }

  private enqueueTurn(lane: Lane<K, T>): void {
    if (lane.queued || lane.waiting.size === 0 || lane.active >= this.limits.perLane) return;
    lane.queued = true;
    this.turns.push(lane);
  }

  private forgetIfIdle(lane: Lane<K, T>): void {
    if (lane.active === 0 && lane.waiting.size === 0 && this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
  }
}
