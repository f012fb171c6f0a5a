import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';

export interface RateLimitOptions {
  /** Requests allowed per window and key. */
  limit: number;
  windowMs: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A fixed-window limiter: every response carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`;
 * over the limit, 429 `rate_limited` with `Retry-After` (seconds until the window ends).
 * `keyOf` names the bucket: the account for known tokens, the client address otherwise.
 */
export function rateLimit(
  { limit, windowMs }: RateLimitOptions,
  keyOf: (req: Parameters<RequestHandler>[0]) => string,
): RequestHandler {
  const windows = new Map<string, Window>();
  let lastSweep = Date.now();

  // Buckets of unknown clients must not pile up: drop expired windows once per window length.
  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key);
  };

  return (req, res, next) => {
    const now = Date.now();
    sweep(now);
    const key = keyOf(req);
    let window = windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - window.count)));
    if (window.count > limit) {
      const seconds = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new ApiError('rate_limited', 'rate limit exceeded');
    }
    next();
  };
}
