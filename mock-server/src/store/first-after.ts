/**
 * The index of the first item from `from` on whose `seq` is above `after`: a binary search, as the
 * store keeps each account's deliveries and requests sorted by `seq`.
 */
export function firstAfter(items: readonly { seq: number }[], after: number, from = 0): number {
  let low = from;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid]!.seq <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
