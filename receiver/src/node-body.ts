import type { IncomingMessage } from 'node:http';
import { isRawBody, type RawBody } from '@titan-webhooks/sdk/internal';
import { payloadTooLarge, requestTimeout, WebhookRequestError } from './errors.js';

/** What body parsers mounted earlier may have left on the request. */
interface ParsedRequest extends IncomingMessage {
  rawBody?: unknown;
  body?: unknown;
  /** body-parser 1 (Express 4) sets this once it has read the stream. */
  _body?: boolean;
}

const FIX =
  'the request body was already read by a body parser (express.json()?) and no raw body was kept, so the signature cannot be checked. ' +
  'Mount the webhook route before express.json(), or mount express.raw({ type: "application/json" }) before it, ' +
  'or keep the raw body: express.json({ verify: (req, res, buf) => { req.rawBody = buf } })';

/**
 * The raw body of a node:http request, from an earlier parser's leftovers or read here with a size
 * limit and a time limit.
 */
export function readNodeBody(req: ParsedRequest, maxBytes: number, timeoutMs: number): Promise<RawBody> {
  const kept = keptBody(req);
  if (kept !== undefined) {
    return byteLength(kept) > maxBytes ? Promise.reject(payloadTooLarge(maxBytes)) : Promise.resolve(kept);
  }
  if (consumed(req)) return Promise.reject(new WebhookRequestError('raw_body_unavailable', FIX));
  return readLimited(req, maxBytes, timeoutMs);
}

/** Whether something before us read the stream: body-parser 1 marks `_body`; body-parser 2 just reads it. */
function consumed(req: ParsedRequest): boolean {
  return req._body === true || req.readableDidRead || req.readableEnded;
}

function keptBody(req: ParsedRequest): RawBody | undefined {
  // express.json({ verify }) kept the bytes as req.rawBody (Buffer or string).
  if (isRawBody(req.rawBody)) return req.rawBody;
  // express.raw() left them as req.body; a string there (express.text()) was decoded and may not be what was signed.
  if (consumed(req) && isRawBody(req.body) && typeof req.body !== 'string') return req.body;
  return undefined;
}

/**
 * Reads the stream, counting bytes as they arrive; past `maxBytes`, or after `timeoutMs`, it stops
 * reading and rejects at once. The timer is a plain one: an AbortController per request showed in
 * the middleware's profile.
 */
function readLimited(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        // Paused, not drained: the answer goes out with Connection: close, which ends the upload.
        req.pause();
        reject(payloadTooLarge(maxBytes));
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: unknown) => {
      stop();
      reject(new WebhookRequestError('internal_error', `reading the body failed: ${String(error)}`, { cause: error }));
    };
    const onClose = () => onError(new Error('the connection closed before the body was complete'));
    const onTimeout = () => {
      stop();
      // As past maxBytes: paused, and the answer closes the connection.
      req.pause();
      reject(requestTimeout(timeoutMs));
    };
    const timer = setTimeout(onTimeout, timeoutMs);
    function stop(): void {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      clearTimeout(timer);
    }
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function byteLength(body: RawBody): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
