import { retryWaitMs } from '../../mock-server/src/delivery/schedule.js';
import { type HeapEntry, TimerHeap } from '../../mock-server/src/delivery/timer-heap.js';

describe('retryWaitMs', () => {
  test('constant, linear and exponential, with the time scale', () => {
    const waits = (policy: 'constant' | 'linear' | 'exponential') =>
      [1, 2, 3, 4].map((n) => retryWaitMs({ attempts: 4, delaySeconds: 5, policy }, n, null, 1));
    expect(waits('constant')).toEqual([5_000, 5_000, 5_000, 5_000]);
    expect(waits('linear')).toEqual([5_000, 10_000, 15_000, 20_000]);
    expect(waits('exponential')).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryWaitMs({ attempts: 3, delaySeconds: 5, policy: 'exponential' }, 3, null, 0.01)).toBe(200);
  });

  test('the larger of policy and Retry-After, each capped at one hour before scaling', () => {
    const retries = { attempts: 15, delaySeconds: 3600, policy: 'exponential' as const };
    expect(retryWaitMs(retries, 15, null, 1)).toBe(3_600_000);
    expect(retryWaitMs({ ...retries, delaySeconds: 1 }, 1, 7_200_000, 0.5)).toBe(1_800_000);
    expect(retryWaitMs({ ...retries, delaySeconds: 10 }, 1, 2_000, 1)).toBe(10_000);
  });
});

describe('TimerHeap', () => {
  interface Item extends HeapEntry {
    name: number;
  }
  const item = (name: number, due: number): Item => ({ name, due, heapIndex: -1 });

  test('fires in due order, removes in place, and uses one timer', async () => {
    const fired: number[] = [];
    const heap = new TimerHeap<Item>((entry) => fired.push(entry.name));
    const now = Date.now();
    const spy = jest.spyOn(global, 'setTimeout');
    const items = Array.from({ length: 200 }, (_, i) => item(i, now + 20 + ((i * 37) % 200)));
    try {
      items
        .slice()
        .sort((a, b) => a.due - b.due)
        .forEach((entry) => {
          heap.push(entry);
        });
      // Pushed in due order: the earliest never changes, so the timer is armed once.
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    const removed = items.filter((_, i) => i % 3 === 0);
    for (const entry of removed) expect(heap.remove(entry)).toBe(true);
    expect(heap.remove(removed[0]!)).toBe(false);
    expect(heap.size).toBe(200 - removed.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const expected = items.filter((_, i) => i % 3 !== 0).sort((a, b) => a.due - b.due || a.name - b.name);
    expect(fired.map((name) => items[name]!.due)).toEqual(expected.map((entry) => entry.due));
    expect(heap.size).toBe(0);
  });

  test('clear stops the timer and returns what waited', async () => {
    const fired: number[] = [];
    const heap = new TimerHeap<Item>((entry) => fired.push(entry.name));
    heap.push(item(1, Date.now() + 10));
    heap.push(item(2, Date.now() + 5));
    expect(
      heap
        .clear()
        .map((entry) => entry.name)
        .sort(),
    ).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toEqual([]);
  });
});
