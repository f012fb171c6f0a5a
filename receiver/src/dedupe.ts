/** What a store knows about an event id when a delivery of it arrives. */
export type ClaimResult = 'claimed' | 'handled' | 'in_progress';

/**
 * Where handled event ids are remembered. The three steps make duplicates safe under concurrency:
 * `claim` must be atomic (Redis: `SET key pending NX EX leaseSeconds`), so only one of two
 * simultaneous deliveries runs the handlers; `complete` records success for `ttlSeconds`; `release`
 * forgets a failed attempt, so Titan's retry runs the handlers again.
 */
export interface DedupeStore {
  /** Atomically: 'claimed' (and mark pending for `leaseSeconds`) if the id is unknown, else what it is. */
  claim(id: string, leaseSeconds: number): ClaimResult | Promise<ClaimResult>;
  /** The handlers succeeded: remember the id as handled for `ttlSeconds`. */
  complete(id: string, ttlSeconds: number): void | Promise<void>;
  /** The handlers failed: forget the claim. */
  release(id: string): void | Promise<void>;
}

interface Entry {
  state: 'handled' | 'in_progress';
  expiresAt: number;
}

export interface MemoryDedupeStoreOptions {
  /** Most ids kept; the least recently seen go first. Default 10 000. */
  maxEntries?: number;
  /** The clock, in milliseconds; for tests. */
  now?: () => number;
}

/** The default store: in this process only, least recently used ids evicted first, each with a TTL. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  claim(id: string, leaseSeconds: number): ClaimResult {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.expiresAt > this.now()) {
      // Re-inserting moves the id to the young end of the Map's insertion order: that is the LRU.
      this.entries.delete(id);
      this.entries.set(id, entry);
      return entry.state;
    }
    this.set(id, 'in_progress', leaseSeconds);
    return 'claimed';
  }

  complete(id: string, ttlSeconds: number): void {
    this.set(id, 'handled', ttlSeconds);
  }

  release(id: string): void {
    this.entries.delete(id);
  }

  private set(id: string, state: Entry['state'], seconds: number): void {
    this.entries.delete(id);
    this.entries.set(id, { state, expiresAt: this.now() + seconds * 1000 });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
