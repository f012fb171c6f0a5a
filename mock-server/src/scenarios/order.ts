import { randomInt } from 'node:crypto';

/** In what order a scenario's events are delivered; `reverse` and `shuffle` test receivers against disorder. */
export type ScenarioOrder = 'natural' | 'reverse' | 'shuffle';

export const SCENARIO_ORDERS: readonly ScenarioOrder[] = ['natural', 'reverse', 'shuffle'];

/** A new array of `events` in the given order; `shuffle` is a uniform random permutation. */
export function order<T>(events: readonly T[], how: ScenarioOrder): T[] {
  const result = [...events];
  if (how === 'reverse') return result.reverse();
  if (how === 'shuffle') {
    // Fisher-Yates: every permutation is equally likely.
    for (let i = result.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [result[i], result[j]] = [result[j]!, result[i]!];
    }
  }
  return result;
}
