/** The signed-in page: webhooks, the emit and scenario forms, the live deliveries and one delivery's detail. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api.js';
import { DeliveryDetail } from './DeliveryDetail.js';
import { DeliveryFilters } from './DeliveryFilters.js';
import { DeliveryTable } from './DeliveryTable.js';
import { useDeliveries } from './deliveries.js';
import { EmitForm } from './EmitForm.js';
import { openLiveStream, type StreamState } from './live.js';
import { ScenarioForm } from './ScenarioForm.js';
import type { DeliveryFilter } from './types.js';
import { WebhookList } from './WebhookList.js';
import { useWebhooks } from './webhooks.js';

const STREAM_STATES: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unavailable: 'Live updates unavailable',
};

interface Props {
  token: string;
  onSignOut(): void;
  onRefused(): void;
}

export function Inspector({ token, onSignOut, onRefused }: Props) {
  const api = useMemo(() => createApi(token, onRefused), [token, onRefused]);
  const live = useMemo(() => openLiveStream(token), [token]);
  const [streamState, setStreamState] = useState<StreamState>(live.state());
  useEffect(() => {
    const stop = live.onState(setStreamState);
    return () => {
      stop();
      live.close();
    };
  }, [live]);

  const [filter, setFilter] = useState<DeliveryFilter>({});
  const [selected, setSelected] = useState<string | null>(null);
  const webhooks = useWebhooks(api, live);
  const [deliveries, reloadDeliveries] = useDeliveries(api, live, filter);

  return (
    <>
      <header class="top">
        <h1>Titan webhooks mock server</h1>
        <p class={`stream stream-${streamState}`} role="status">
          {STREAM_STATES[streamState]}
        </p>
        <nav aria-label="Server">
          <a href="/docs">API reference</a>
        </nav>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main class="layout">
        <WebhookList view={webhooks} onShowDeliveries={(webhookId) => setFilter({ webhookId })} />
        <div class="send">
          <EmitForm api={api} />
          <ScenarioForm api={api} />
        </div>
        <section class="panel deliveries" aria-labelledby="deliveries-title">
          <div class="panel-head">
            <h2 id="deliveries-title" tabIndex={-1}>
              Deliveries
            </h2>
            <button type="button" onClick={reloadDeliveries}>
              Reload
            </button>
          </div>
          <DeliveryFilters filter={filter} webhooks={webhooks.webhooks} onChange={setFilter} />
          <DeliveryTable view={deliveries} selected={selected} onOpen={setSelected} />
        </section>
        {selected !== null && (
          <DeliveryDetail
            key={selected}
            api={api}
            live={live}
            id={selected}
            onOpen={setSelected}
            onClose={() => {
              setSelected(null);
              document.getElementById('deliveries-title')?.focus();
            }}
          />
        )}
      </main>
    </>
  );
}
