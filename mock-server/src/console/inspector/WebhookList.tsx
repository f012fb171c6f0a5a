/** The account's webhooks, each with a button that shows only its deliveries. */
import type { WebhooksView } from './webhooks.js';

interface Props {
  view: WebhooksView;
  onShowDeliveries(webhookId: number): void;
}

const allEvents = (events: string[]) => events.length === 0 || (events.length === 1 && events[0] === '*');

export function WebhookList({ view, onShowDeliveries }: Props) {
  return (
    <section class="panel webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      {view.error && (
        <p role="alert" class="error">
          Could not list the webhooks: {view.error}
        </p>
      )}
      {!view.error && view.webhooks.length === 0 && (
        <p class="hint">
          None yet. Create one with <code>POST /api/webhooks</code> (see the <a href="/docs">API reference</a>).
        </p>
      )}
      <ul class="webhook-list">
        {view.webhooks.map((webhook) => (
          <li key={webhook.id} class="webhook">
            <p>
              <strong>#{webhook.id}</strong> {webhook.label && <span class="label">{webhook.label}</span>}{' '}
              {!webhook.enabled && <span class="tag">disabled</span>}
            </p>
            <p class="url">{webhook.url}</p>
            <p class="hint">
              {allEvents(webhook.events) ? 'All events' : webhook.events.join(', ')}
              {webhook.session ? ` · session ${webhook.session}` : ''}
            </p>
            <button type="button" onClick={() => onShowDeliveries(webhook.id)}>
              Show deliveries<span class="visually-hidden"> of webhook #{webhook.id}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
