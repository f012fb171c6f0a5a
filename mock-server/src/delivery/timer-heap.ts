/**
 * What the heap stores: the delivery state itself carries its due time and heap position, so a
 * pending retry costs one array slot and no closure or timer of its own.
 */
export interface HeapEntry {
  due: number;
  /** Position in the heap, -1 when not in it (lets cancellation remove in O(log n)). */
  heapIndex: number;
}

/** setTimeout's largest delay; longer waits are re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * All retries of the engine on one binary min-heap keyed by due time, with a single unref'd timer
 * armed for the earliest entry, so 100,000 pending retries are 100,000 array slots, not timers.
 */
export class TimerHeap<T extends HeapEntry> {
  private readonly items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly onDue: (entry: T) => void) {}

  get size(): number {
    return this.items.length;
  }

  push(entry: T): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
    this.arm();
  }

  /** Removes an entry if present; true when it was. */
  remove(entry: T): boolean {
    const i = entry.heapIndex;
    if (i < 0 || this.items[i] !== entry) return false;
    const last = this.items.pop()!;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    this.arm();
    return true;
  }

  /** Empties the heap and stops the timer; returns what was in it. */
  clear(): T[] {
    const all = this.items.splice(0);
    for (const entry of all) entry.heapIndex = -1;
    this.disarm();
    return all;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    // Pop everything due before calling back, so callbacks that push don't starve this loop.
    const due: T[] = [];
    while (this.items.length > 0 && this.items[0]!.due <= now) due.push(this.popMin());
    this.arm();
    for (const entry of due) this.onDue(entry);
  }

  private popMin(): T {
    const top = this.items[0]!;
    const last = this.items.pop()!;
    if (last !== top) {
      this.items[0] = last;
      last.heapIndex = 0;
      this.down(0);
    }
    top.heapIndex = -1;
    return top;
  }

  /** Re-arms the single timer only when the earliest due time changed. */
  private arm(): void {
    const first = this.items[0];
    if (first === undefined) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.armedFor === first.due) return;
    this.disarm();
    this.armedFor = first.due;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(0, first.due - Date.now()), MAX_TIMER_MS));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.due <= entry.due) break;
      items[i] = items[parent]!;
      items[i]!.heapIndex = i;
      i = parent;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1]!.due < items[child]!.due) child++;
      if (items[child]!.due >= entry.due) break;
      items[i] = items[child]!;
      items[i]!.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}
