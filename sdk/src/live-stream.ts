/**
 * The mock server's live stream (`GET /_mock/stream`) as an async iterable of typed messages, over
 * fetch and web streams only, so it runs in browsers, Deno and Bun as well as Node.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { ClientOptions, Webhook } from './client.js';
import { TitanApiError, TitanNetworkError } from './errors.js';
import type { components } from './generated/mock-control-api.js';
import { errorMessage } from './http.js';

type Delivery = components['schemas']['Delivery'];
/** What a `webhook` message carries once the webhook is deleted. */
export type WebhookDeleted = components['schemas']['WebhookDeleted'];

/** One change of the account: `type` is the server-sent event's name, `data` its parsed JSON. */
export type StreamMessage =
  /** A delivery was created, an attempt started or finished, or its status changed. */
  | { type: 'delivery'; data: Delivery }
  /** A webhook was created, updated (the webhook, never its key) or deleted (`{id, deleted: true}`). */
  | { type: 'webhook'; data: Webhook | WebhookDeleted };

export interface StreamOptions {
  /** Aborting it closes the connection; the iteration then throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called once the server has accepted the stream: every later change arrives. A client that lists
   * what exists from there on misses nothing between the list and the stream.
   */
  onOpen?: () => void;
}

const isMessageType = (event: string | undefined): event is StreamMessage['type'] =>
  event === 'delivery' || event === 'webhook';

/**
 * Opens the stream and yields each message as it arrives, until the server ends the stream (the
 * iteration then simply ends). Leaving the loop closes the connection. A refusal (401, 429) throws
 * TitanApiError; a connection lost on the way TitanNetworkError.
 */
export async function* streamMessages(
  options: ClientOptions,
  { signal, onOpen }: StreamOptions = {},
): AsyncGenerator<StreamMessage, void, undefined> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/_mock/stream`;
  // Our own controller: leaving the loop early must close the connection even without a signal.
  const connection = new AbortController();
  const abort = () => connection.abort(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
      signal: connection.signal,
    }).catch((error: unknown) => {
      throw lost(error, url, signal);
    });
    if (!response.ok || response.body === null) throw new TitanApiError(response.status, await bodyOf(response));
    const reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    onOpen?.();
    for (;;) {
      // A reader, not `for await` over the stream: Safari's streams are not async iterable.
      const { done, value } = await reader.read().catch((error: unknown) => {
        throw lost(error, url, signal);
      });
      if (done) return;
      if (isMessageType(value.event)) yield { type: value.event, data: JSON.parse(value.data) } as StreamMessage;
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    connection.abort();
  }
}

/** The caller's abort as its own reason; anything else is the connection failing. */
function lost(error: unknown, url: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return new TitanNetworkError(`GET ${url} failed: ${errorMessage(error)}`, { cause: error, timedOut: false });
}

/** An error answer's body: JSON when it is, else its text. */
async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
