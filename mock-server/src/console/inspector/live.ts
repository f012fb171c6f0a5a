/** The server's live stream (GET /_mock/stream): every change of a delivery or a webhook as it happens. */
import type { Delivery, Webhook } from './types.js';

/** `reconnecting`: the browser retries by itself; `unavailable`: the server refused the stream. */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

type Listener<T> = (value: T) => void;

export interface LiveStream {
  onDelivery(listener: Listener<Delivery>): () => void;
  onWebhook(listener: Listener<Webhook>): () => void;
  /** Called on each change of state; `live` again after `reconnecting` means changes may have been missed. */
  onState(listener: Listener<StreamState>): () => void;
  state(): StreamState;
  close(): void;
}

function listeners<T>() {
  const set = new Set<Listener<T>>();
  return {
    add(listener: Listener<T>) {
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(value: T) {
      for (const listener of set) listener(value);
    },
  };
}

export function openLiveStream(token: string): LiveStream {
  // EventSource cannot send headers: this route alone takes the token in the query.
  const source = new EventSource(`/_mock/stream?token=${encodeURIComponent(token)}`);
  const deliveries = listeners<Delivery>();
  const webhooks = listeners<Webhook>();
  const states = listeners<StreamState>();
  let state: StreamState = 'connecting';
  const setState = (next: StreamState) => {
    if (next === state) return;
    state = next;
    states.emit(next);
  };
  source.addEventListener('open', () => setState('live'));
  source.addEventListener('error', () =>
    setState(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting'),
  );
  source.addEventListener('delivery', (event) => deliveries.emit(JSON.parse((event as MessageEvent).data)));
  source.addEventListener('webhook', (event) => webhooks.emit(JSON.parse((event as MessageEvent).data)));
  return {
    onDelivery: deliveries.add,
    onWebhook: webhooks.add,
    onState: states.add,
    state: () => state,
    close: () => source.close(),
  };
}

/** Runs `reload` each time the stream is back after a break, when changes may have been missed. */
export function onReconnect(live: LiveStream, reload: () => void): () => void {
  let wasDown = false;
  return live.onState((state) => {
    if (state === 'live' && wasDown) reload();
    wasDown = state !== 'live';
  });
}
