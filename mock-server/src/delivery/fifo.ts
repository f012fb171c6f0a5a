/** A first-in first-out queue with O(1) shift (Array#shift is O(n) on long arrays). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  /** Index of the first item still queued. */
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) this.clear();
    // Compact once the consumed prefix dominates, keeping memory proportional to what waits.
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
