/**
 * `GET /_mock/stream`: the account's changes as server-sent events, as they happen. Each open stream
 * is one store subscription, dropped as soon as its client goes, stalls, or the server closes.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { toDelivery } from '../delivery/records.js';
import type { AccountId } from '../model.js';
import type { MockStore, StoreChange } from '../store/store.js';
import { accountOf } from './auth.js';
import { ApiError } from './errors.js';
import { toPublic } from './webhook-view.js';

export interface LiveStreamLimits {
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
  heartbeatMs: number;
  /** A client leaving more than this unread is dropped, so a reader that stalls costs bounded memory. */
  maxBufferedBytes: number;
  /** Streams one account may hold open at once. */
  maxStreamsPerAccount: number;
  /** The reconnection delay suggested to EventSource clients. */
  retryMs: number;
}

export const DEFAULT_LIVE_STREAM_LIMITS: LiveStreamLimits = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  maxStreamsPerAccount: 32,
  retryMs: 2_000,
};

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: a proxy must neither cache nor compress it; compressed, each message would wait for a full block.
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'X-Accel-Buffering': 'no',
};

/** What a change shows the account's streams, if anything: an event name and its JSON data. */
function messageOf(change: StoreChange, accountId: AccountId): { event: string; data: unknown } | undefined {
  switch (change.type) {
    case 'delivery':
      if (change.delivery.accountId !== accountId) return undefined;
      return { event: 'delivery', data: toDelivery(change.delivery) };
    case 'webhook': {
      const { after, before } = change;
      const webhook = after ?? before;
      if (webhook?.accountId !== accountId) return undefined;
      return { event: 'webhook', data: after ? toPublic(after) : { id: webhook.id, deleted: true } };
    }
    case 'forgotten':
      return undefined;
  }
}

type CloseHow = 'end' | 'drop' | 'gone';

export class LiveStreams {
  private readonly limits: LiveStreamLimits;
  /** Per account, the function that closes each of its open streams. */
  private readonly open = new Map<AccountId, Set<(how: CloseHow) => void>>();

  constructor(
    private readonly store: MockStore,
    private readonly logger: Logger,
    limits: Partial<LiveStreamLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIVE_STREAM_LIMITS, ...limits };
  }

  /** The route's handler; behind `authenticate`. */
  readonly route: RequestHandler = (req, res) => this.start(req, res);

  /** Ends every stream: the server is closing, and an open stream must not keep it waiting. */
  closeAll(): void {
    for (const streams of [...this.open.values()]) for (const close of [...streams]) close('end');
  }

  private start(req: Request, res: Response): void {
    const { heartbeatMs, maxBufferedBytes, maxStreamsPerAccount, retryMs } = this.limits;
    const accountId = accountOf(req).id;
    const streams = this.open.get(accountId) ?? new Set();
    if (streams.size >= maxStreamsPerAccount) {
      throw new ApiError(
        'rate_limited',
        `this account already has ${maxStreamsPerAccount} streams open, the most allowed: close one first`,
      );
    }
    this.open.set(accountId, streams);
    res.status(200).set(HEADERS);
    res.flushHeaders();

    let closed = false;
    let lastId = 0;
    const write = (text: string) => {
      if (closed) return;
      res.write(text);
      if (res.writableLength <= maxBufferedBytes) return;
      this.logger.warn(
        { accountId, bufferedBytes: res.writableLength },
        'stream client dropped: it is not reading what it is sent',
      );
      close('drop');
    };
    // Store listeners run inside the change that called them: nothing here may throw.
    const unsubscribe = this.store.subscribe((change) => {
      const message = messageOf(change, accountId);
      if (message) write(`id: ${++lastId}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
    });
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    const close = (how: CloseHow) => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(close);
      if (streams.size === 0) this.open.delete(accountId);
      if (how === 'end') res.end();
      if (how === 'drop') res.destroy();
    };
    streams.add(close);
    res.on('close', () => close('gone'));
    // A write racing the client's departure; 'close' follows and cleans up.
    res.on('error', () => close('gone'));
    write(`retry: ${retryMs}\n\n`);
  }
}
