import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Deadline } from './deadline.js';

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

/**
 * One value per name, as HTTP folds repeated headers (set-cookie too, for a readable record). undici
 * gives lower-case names, an array for a repeated header, and never an own `__proto__`; the object
 * itself is kept when nothing repeats, which is the usual case.
 */
export function joinHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  let joined: Record<string, string> | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') continue;
    joined ??= { ...(headers as Record<string, string>) };
    if (value === undefined) delete joined[name];
    else joined[name] = value.join(', ');
  }
  return joined ?? (headers as Record<string, string>);
}

/**
 * Reads a response body to its end, keeping its first RECORDED_BODY_BYTES bytes. Past
 * MAX_RESPONSE_BYTES, or when the deadline passes, the stream is destroyed (which drops the connection):
 * the promise then resolves with what was kept, `truncated`, and `aborted` when the deadline did it.
 * Reading to the end otherwise is what lets the connection be reused.
 */
export function readBody(
  body: Readable,
  deadline: Deadline,
): Promise<{ body: string; truncated: boolean; aborted: boolean }> {
  // Already closed (a socket error before reading began): nothing more will come.
  if (body.closed) return Promise.resolve({ body: '', truncated: true, aborted: deadline.aborted });
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    const onAbort = () => body.destroy();
    if (deadline.aborted) body.destroy();
    else deadline.once('abort', onAbort);
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
      .on('error', ignore)
      .on('close', () => {
        deadline.off('abort', onAbort);
        const complete = body.readableEnded;
        const truncated = !complete || total > keptBytes;
        const bytes = kept.length === 1 ? kept[0]! : Buffer.concat(kept, keptBytes);
        // A cut through a multi-byte character leaves its first bytes out rather than a replacement mark.
        const end = truncated ? utf8Boundary(bytes) : bytes.length;
        resolve({ body: bytes.toString('utf8', 0, end), truncated, aborted: deadline.aborted && !complete });
      })
      .resume();
  });
}

function ignore(): void {}

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
