import { MemoryDedupeStore } from '@titan-webhooks/receiver';

describe('MemoryDedupeStore', () => {
  let now = 0;
  const store = (maxEntries?: number) =>
    new MemoryDedupeStore({ now: () => now, ...(maxEntries ? { maxEntries } : {}) });
  beforeEach(() => {
    now = 1_000_000;
  });

  test('claim, complete and release', () => {
    const s = store();
    expect(s.claim('evt_1', 60)).toBe('claimed');
    expect(s.claim('evt_1', 60)).toBe('in_progress');
    s.release('evt_1');
    expect(s.claim('evt_1', 60)).toBe('claimed');
    s.complete('evt_1', 3600);
    expect(s.claim('evt_1', 60)).toBe('handled');
  });

  test('a handled id is forgotten after its TTL, an abandoned claim after its lease', () => {
    const s = store();
    s.claim('evt_done', 60);
    s.complete('evt_done', 3600);
    s.claim('evt_stuck', 60);
    now += 61_000;
    expect(s.claim('evt_stuck', 60)).toBe('claimed');
    expect(s.claim('evt_done', 60)).toBe('handled');
    now += 3600_000;
    expect(s.claim('evt_done', 60)).toBe('claimed');
  });

  test('past maxEntries the least recently seen id goes first', () => {
    const s = store(2);
    s.complete('evt_a', 3600);
    s.complete('evt_b', 3600);
    expect(s.claim('evt_a', 60)).toBe('handled'); // a is now the most recent
    s.complete('evt_c', 3600); // evicts b
    expect(s.claim('evt_a', 60)).toBe('handled');
    expect(s.claim('evt_b', 60)).toBe('claimed');
  });
});
