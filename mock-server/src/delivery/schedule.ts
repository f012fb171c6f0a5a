import type { Retries } from '@titan-webhooks/sdk';
import { Interner } from './intern.js';

/** No wait exceeds one hour before scaling, Retry-After included. */
const MAX_WAIT_MS = 3_600_000;

/**
 * Milliseconds to wait before retry `retry` (1-based) under `retries`, fixed when the delivery was
 * created. A Retry-After from a 429 or 503 wins when it is longer; both are capped, then scaled.
 */
export function retryWaitMs(retries: Retries, retry: number, retryAfterMs: number | null, timeScale: number): number {
  const d = retries.delaySeconds * 1000;
  const base = retries.policy === 'constant' ? d : retries.policy === 'linear' ? retry * d : d * 2 ** (retry - 1);
  const wait = Math.max(Math.min(base, MAX_WAIT_MS), Math.min(retryAfterMs ?? 0, MAX_WAIT_MS));
  return wait * timeScale;
}

/** Only these statuses make us honour Retry-After. */
export function honoursRetryAfter(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}

const schedules = new Interner<Readonly<Retries>>(1024);
/** The shared schedule last found for a webhook's `retries` object, so an emit skips building its key. */
const byObject = new WeakMap<Retries, Readonly<Retries>>();

/** The webhook's schedule as of now, one shared frozen object per distinct schedule. */
export function fixedSchedule(retries: Retries): Readonly<Retries> {
  const known = byObject.get(retries);
  // Checked field by field: nothing stops a caller from changing the object after it was seen.
  if (
    known !== undefined &&
    known.policy === retries.policy &&
    known.attempts === retries.attempts &&
    known.delaySeconds === retries.delaySeconds
  ) {
    return known;
  }
  const fixed = schedules.intern(
    `${retries.policy}/${retries.attempts}/${retries.delaySeconds}`,
    Object.freeze({ ...retries }),
  );
  byObject.set(retries, fixed);
  return fixed;
}
