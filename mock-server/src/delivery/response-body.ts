import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** How much of a receiver's answer an attempt keeps. */
export const RECORDED_BODY_BYTES = 4096;

/** The answer is read (and all but its start discarded) up to this much; past it the connection is dropped. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** What a receiver answered, as an attempt records it. */
export interface ReceivedResponse {
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The first RECORDED_BODY_BYTES bytes, decoded as UTF-8. */
  body: string;
  /** The body shown is not the whole answer: more followed, or the answer was cut off. */
  truncated: boolean;
}

/** One value per name, as HTTP folds repeated headers (set-cookie too, for a readable record). */
export function joinHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  // No prototype: a header named `__proto__` or `constructor` is a header like any other.
  const joined: Record<string, string> = Object.create(null);
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) joined[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return joined;
}

/**
 * Reads a response body to its end, keeping its first RECORDED_BODY_BYTES bytes. Past
 * MAX_RESPONSE_BYTES, or when `signal` aborts, the stream is destroyed (which drops the connection):
 * the promise then resolves with what was kept, `truncated`, and `aborted` when the signal did it.
 * Reading to the end otherwise is what lets the connection be reused.
 */
export function readBody(
  body: Readable,
  signal: AbortSignal,
): Promise<{ body: string; truncated: boolean; aborted: boolean }> {
  // Already closed (a socket error before reading began): nothing more will come.
  if (body.closed) return Promise.resolve({ body: '', truncated: true, aborted: signal.aborted });
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    const onAbort = () => body.destroy();
    if (signal.aborted) body.destroy();
    else signal.addEventListener('abort', onAbort, { once: true });
    body
      .on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (keptBytes < RECORDED_BODY_BYTES) {
          const part = chunk.subarray(0, RECORDED_BODY_BYTES - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (total > MAX_RESPONSE_BYTES) body.destroy();
      })
      // Destroying emits an error (the request was aborted); 'close' reports every ending alike.
      .on('error', () => undefined)
      .on('close', () => {
        signal.removeEventListener('abort', onAbort);
        const complete = body.readableEnded;
        const truncated = !complete || total > keptBytes;
        const bytes = kept.length === 1 ? kept[0]! : Buffer.concat(kept, keptBytes);
        // A cut through a multi-byte character leaves its first bytes out rather than a replacement mark.
        const end = truncated ? utf8Boundary(bytes) : bytes.length;
        resolve({ body: bytes.toString('utf8', 0, end), truncated, aborted: signal.aborted && !complete });
      })
      .resume();
  });
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
export function utf8Boundary(bytes: Uint8Array): number {
  const end = bytes.length;
  // A sequence is at most 4 bytes: its lead byte is among the last 4.
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < length ? i : end;
  }
  return end;
}
