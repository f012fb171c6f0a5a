/** One delivery in full: the request as last sent, every try with the receiver's answer, and redeliver. */
import { Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { AttemptItem } from './AttemptItem.js';
import { type Api, RequestError } from './api.js';
import { useDelivery } from './deliveries.js';
import { readableBody } from './format.js';
import type { LiveStream } from './live.js';
import { StatusBadge } from './StatusBadge.js';

interface Props {
  api: Api;
  live: LiveStream;
  id: string;
  onOpen(id: string): void;
  onClose(): void;
}

export function DeliveryDetail({ api, live, id, onOpen, onClose }: Props) {
  const { delivery, error } = useDelivery(api, live, id);
  const [redeliverError, setRedeliverError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen reader users land on what they just opened, as soon as it is on the page.
  useLayoutEffect(() => heading.current?.focus(), []);

  const redeliver = () => {
    setBusy(true);
    setRedeliverError(null);
    api.post<{ data: { id: string } }>(`/_mock/deliveries/${encodeURIComponent(id)}/redeliver`).then(
      ({ data }) => onOpen(data.id),
      (failure: Error) => {
        setBusy(false);
        setRedeliverError(failure instanceof RequestError ? failure.describe() : failure.message);
      },
    );
  };

  return (
    <section class="panel detail" aria-labelledby="detail-title">
      <div class="detail-head">
        <h2 id="detail-title" tabIndex={-1} ref={heading}>
          Delivery {id}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {delivery && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={delivery.status} />
            </dd>
            <dt>Event</dt>
            <dd>
              {delivery.event} <code>{delivery.eventId}</code>
            </dd>
            <dt>Webhook</dt>
            <dd>#{delivery.webhookId}</dd>
            <dt>URL</dt>
            <dd class="url">{delivery.request.url}</dd>
          </dl>
          <button type="button" onClick={redeliver} disabled={busy}>
            Redeliver
          </button>
          {redeliverError && (
            <p role="alert" class="error">
              Could not redeliver: {redeliverError}
            </p>
          )}
          <h3>Request</h3>
          <h4>Headers</h4>
          <dl class="headers">
            {Object.entries(delivery.request.headers).map(([name, value]) => (
              <Fragment key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
          <h4>Body</h4>
          <pre class="body">{readableBody(delivery.request.body)}</pre>
          <h3>Tries</h3>
          {delivery.attempts.length === 0 && <p class="hint">No try has started yet.</p>}
          <ol class="attempts">
            {delivery.attempts.map((attempt) => (
              <AttemptItem key={attempt.attempt} attempt={attempt} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
