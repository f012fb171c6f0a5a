/** The account's webhooks, loaded again whenever the stream reports a change to one. */
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.js';
import { type LiveStream, onReconnect } from './live.js';
import type { Webhook } from './types.js';

export interface WebhooksView {
  webhooks: Webhook[];
  error: string | null;
}

export function useWebhooks(api: Api, live: LiveStream): WebhooksView {
  const [view, setView] = useState<WebhooksView>({ webhooks: [], error: null });
  useEffect(() => {
    let stopped = false;
    // A whole list read on each change is simpler than applying creates, updates and deletes one by one,
    // and an account has few webhooks.
    const load = () =>
      api.get<{ data: Webhook[] }>('/api/webhooks').then(
        ({ data }) => !stopped && setView({ webhooks: data, error: null }),
        (error: Error) => !stopped && setView({ webhooks: [], error: error.message }),
      );
    const stopWebhooks = live.onWebhook(load);
    const stopStates = onReconnect(live, load);
    load();
    return () => {
      stopped = true;
      stopWebhooks();
      stopStates();
    };
  }, [api, live]);
  return view;
}
