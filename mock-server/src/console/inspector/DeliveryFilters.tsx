/** Narrow the deliveries by webhook, event and status; the table follows at once. */
import { EVENT_NAMES } from '@titan-webhooks/sdk';
import { DELIVERY_STATUSES, type DeliveryFilter, type DeliveryStatus, type Webhook } from './types.js';

interface Props {
  filter: DeliveryFilter;
  webhooks: Webhook[];
  onChange(filter: DeliveryFilter): void;
}

/** A select's value, '' meaning any. */
const chosen = (value: string) => (value === '' ? undefined : value);

export function DeliveryFilters({ filter, webhooks, onChange }: Props) {
  const filtered = filter.webhookId !== undefined || filter.event !== undefined || filter.status !== undefined;
  return (
    <fieldset class="filters">
      <legend>Filter</legend>
      <div class="field">
        <label for="filter-webhook">Webhook</label>
        <select
          id="filter-webhook"
          value={filter.webhookId ?? ''}
          onChange={(event) => {
            const value = chosen(event.currentTarget.value);
            onChange({ ...filter, webhookId: value === undefined ? undefined : Number(value) });
          }}
        >
          <option value="">Any</option>
          {/* A filter set from a webhook's button stays visible even before the list has loaded. */}
          {filter.webhookId !== undefined && !webhooks.some((webhook) => webhook.id === filter.webhookId) && (
            <option value={filter.webhookId}>#{filter.webhookId}</option>
          )}
          {webhooks.map((webhook) => (
            <option key={webhook.id} value={webhook.id}>
              #{webhook.id} {webhook.label ?? webhook.url}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-event">Event</label>
        <select
          id="filter-event"
          value={filter.event ?? ''}
          onChange={(event) => onChange({ ...filter, event: chosen(event.currentTarget.value) })}
        >
          <option value="">Any</option>
          {EVENT_NAMES.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select
          id="filter-status"
          value={filter.status ?? ''}
          onChange={(event) =>
            onChange({ ...filter, status: chosen(event.currentTarget.value) as DeliveryStatus | undefined })
          }
        >
          <option value="">Any</option>
          {DELIVERY_STATUSES.map((status) => (
            <option key={status}>{status}</option>
          ))}
        </select>
      </div>
      <button type="button" disabled={!filtered} onClick={() => onChange({})}>
        Clear filters
      </button>
    </fieldset>
  );
}
