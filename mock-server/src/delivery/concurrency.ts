interface Lane<T> {
  active: number;
  queue: T[];
  /** Index of the queue's first item: dequeuing is O(1) without Array#shift. */
  head: number;
}

/**
 * At most `limit` runs at a time per key (per webhook), the rest waiting in FIFO order, so a slow or
 * hanging receiver holds only its own lane and never delays deliveries to the others.
 */
export class KeyedLimiter<K, T> {
  private readonly lanes = new Map<K, Lane<T>>();

  constructor(
    private readonly limit: number,
    /** Must not reject: the engine records failures itself. */
    private readonly run: (item: T) => Promise<void>,
  ) {}

  push(key: K, item: T): void {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { active: 0, queue: [], head: 0 };
      this.lanes.set(key, lane);
    }
    if (lane.active < this.limit) this.start(key, lane, item);
    else lane.queue.push(item);
  }

  /** Drops the key's waiting items (runs in progress finish). */
  clear(key: K): void {
    const lane = this.lanes.get(key);
    if (lane === undefined) return;
    lane.queue = [];
    lane.head = 0;
    if (lane.active === 0) this.lanes.delete(key);
  }

  private start(key: K, lane: Lane<T>, item: T): void {
    lane.active++;
    void this.run(item).finally(() => {
      lane.active--;
      const next = this.dequeue(lane);
      if (next !== undefined) this.start(key, lane, next);
      else if (lane.active === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
    });
  }

  private dequeue(lane: Lane<T>): T | undefined {
    if (lane.head >= lane.queue.length) return undefined;
    const item = lane.queue[lane.head]!;
    lane.queue[lane.head++] = undefined as T;
    // Compact once the consumed prefix dominates, keeping memory proportional to what waits.
    if (lane.head > 1024 && lane.head * 2 > lane.queue.length) {
      lane.queue = lane.queue.slice(lane.head);
      lane.head = 0;
    }
    return item;
  }
}
