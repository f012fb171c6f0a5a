import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TitanEvent } from '@titan-webhooks/sdk';
import { readNodeBody } from './node-body.js';
import type { ReceiverOptions } from './options.js';
import { createPipeline, type Dispatch, type Outcome } from './pipeline.js';

// Types Express's own Request when @types/express is installed, and is harmless when it is not.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified event, left by titanWebhooks() for later middleware. */
      titanEvent?: TitanEvent;
    }
  }
}

/** A node:http request as the middleware leaves it. */
export interface TitanWebhookRequest extends IncomingMessage {
  titanEvent?: TitanEvent;
  /** The verified event, unless an earlier parser set a body: later routes read it as usual. */
  body?: unknown;
  /** body-parser's "already read" mark, so a later express.json() skips the drained stream. */
  _body?: boolean;
}

/**
 * Connect-style middleware: (req, res, next) on node:http types, so it needs nothing from Express at
 * runtime or in types, and fits Express 4 and 5.
 */
export type TitanMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * Express middleware for Titan deliveries. With `on` or `onEvent` it answers itself (200 once the
 * handlers succeed, 500 if one throws); without handlers it verifies, sets `req.titanEvent` and calls
 * `next()`, leaving the answer to your route.
 */
export function titanWebhooks(options: ReceiverOptions<IncomingMessage>): TitanMiddleware {
  const pipeline = createPipeline(options);
  const verifyOnly = options.on === undefined && options.onEvent === undefined;

  return (req, res, next) => {
    const request = req as TitanWebhookRequest;
    const dispatch = verifyOnly && next !== undefined ? passToNext(res, next) : undefined;
    void pipeline(
      {
        request,
        contentType: header(req, 'content-type'),
        contentLength: header(req, 'content-length'),
        signature: header(req, 'x-webhook-signature'),
        readBody: (maxBytes, timeoutMs) => readNodeBody(req, maxBytes, timeoutMs),
        accept: (event) => {
          request.titanEvent = event;
          if (request.body === undefined) {
            request.body = event;
            request._body = true;
          }
        },
      },
      dispatch,
    ).then((outcome) => send(req, res, outcome));
  };
}

/** Hands the event to the rest of the stack; it counts as handled when the route answers 2xx. */
function passToNext(res: ServerResponse, next: (error?: unknown) => void): Dispatch<IncomingMessage> {
  return (event) =>
    new Promise((resolve, reject) => {
      // 'close' follows 'finish', and also comes alone when the connection drops first.
      res.once('close', () =>
        res.writableFinished && res.statusCode < 300
          ? resolve()
          : reject(new Error(`the route answered ${res.statusCode} for ${event.id}`)),
      );
      next();
    });
}

function send(req: IncomingMessage, res: ServerResponse, outcome: Outcome): void {
  // A route after the middleware may have answered already (verify-only mode).
  if (res.headersSent) return;
  const text = JSON.stringify(outcome.body);
  res.statusCode = outcome.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  // An unread upload (415, 413) must not keep the connection: closing it is what stops the client sending.
  if (!req.complete) res.setHeader('connection', 'close');
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : null;
}
