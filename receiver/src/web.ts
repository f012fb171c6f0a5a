import { payloadTooLarge, requestTimeout, WebhookRequestError } from './errors.js';
import type { ReceiverOptions } from './options.js';
import { createPipeline } from './pipeline.js';

/** A fetch-style handler: Deno.serve, Bun.serve, Hono (`c.req.raw`), Cloudflare Workers, Next.js route handlers. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** The web-standard counterpart of the Express middleware: same pipeline, same answers. */
export function createWebhookHandler(options: ReceiverOptions<Request>): WebhookHandler {
  const pipeline = createPipeline(options);
  return async (request) => {
    const outcome = await pipeline({
      request,
      contentType: request.headers.get('content-type'),
      contentLength: request.headers.get('content-length'),
      signature: request.headers.get('x-webhook-signature'),
      readBody: (maxBytes, timeoutMs) => readLimited(request, maxBytes, timeoutMs),
    });
    return Response.json(outcome.body, { status: outcome.status });
  };
}

/** Reads the body stream, counting bytes as they arrive; past `maxBytes`, or after `timeoutMs`, it cancels the stream. */
async function readLimited(request: Request, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  if (request.bodyUsed) {
    throw new WebhookRequestError(
      'raw_body_unavailable',
      'the request body was already read (request.json()?), so the signature cannot be checked: pass the untouched Request, or request.clone() before reading it',
    );
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timedOut = false;
  // Cancelling settles the pending read, so the loop below ends instead of waiting for the next chunk.
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel().catch(() => undefined);
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || timedOut) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw payloadTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    // A stream may fail its pending read when cancelled rather than end it: still a timeout.
    if (!timedOut) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw requestTimeout(timeoutMs);
  return concat(chunks, size);
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
