/** The latest deliveries, newest first; each row's event button opens its detail. */
import type { DeliveriesView } from './deliveries.js';
import { SHOWN_DELIVERIES } from './deliveries.js';
import { clockTime } from './format.js';
import { StatusBadge } from './StatusBadge.js';

interface Props {
  view: DeliveriesView;
  selected: string | null;
  onOpen(id: string): void;
}

export function DeliveryTable({ view, selected, onOpen }: Props) {
  return (
    <>
      {view.error && (
        <p role="alert" class="error">
          Could not load the deliveries: {view.error}
        </p>
      )}
      <div class="table-scroll">
        <table class="delivery-table" aria-busy={view.loading}>
          <caption class="visually-hidden">Deliveries, newest first (the latest {SHOWN_DELIVERIES})</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Webhook</th>
              <th scope="col">Tries</th>
              <th scope="col">Last try</th>
            </tr>
          </thead>
          <tbody>
            {view.deliveries.map((delivery) => {
              const last = delivery.attempts.at(-1);
              return (
                <tr
                  key={delivery.id}
                  data-delivery={delivery.id}
                  class={delivery.id === selected ? 'selected' : undefined}
                  aria-current={delivery.id === selected ? 'true' : undefined}
                >
                  <th scope="row">
                    <button type="button" class="link" onClick={() => onOpen(delivery.id)}>
                      {delivery.event}
                      <span class="visually-hidden"> delivery {delivery.id}</span>
                    </button>
                  </th>
                  <td>
                    <StatusBadge status={delivery.status} />
                  </td>
                  <td>#{delivery.webhookId}</td>
                  <td>{delivery.attempts.length}</td>
                  <td>{last ? clockTime(last.startedAt, false) : 'not yet'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!view.loading && view.deliveries.length === 0 && (
        <p class="hint">No deliveries match. Emit an event: each webhook that takes it gets a delivery.</p>
      )}
    </>
  );
}
