/** Emit one event: pick its type, edit the generated payload, choose faults. */
import { EVENT_NAMES, type EventName } from '@titan-webhooks/sdk';
import { useState } from 'preact/hooks';
import { generatePayload } from '../../api/event-payload.js';
import { ActionOutcome } from './ActionOutcome.js';
import { useAction } from './action.js';
import type { Api } from './api.js';
import { chosenFaults, FaultFields, NO_FAULTS } from './FaultFields.js';
import { count } from './format.js';

const payloadText = (event: EventName) => JSON.stringify(generatePayload(event), null, 2);

interface EmitAnswer {
  data: { event: { id: string }; deliveries: { id: string }[] };
}

export function EmitForm({ api }: { api: Api }) {
  const [event, setEvent] = useState<EventName>('message.received');
  const [payload, setPayload] = useState(() => payloadText('message.received'));
  const [session, setSession] = useState('default');
  const [faults, setFaults] = useState(NO_FAULTS);
  const [payloadError, setPayloadError] = useState<string | null>(null);
  const [state, run] = useAction();

  const submit = (submitted: Event) => {
    submitted.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (error) {
      setPayloadError(`The payload is not JSON: ${(error as Error).message}`);
      return;
    }
    setPayloadError(null);
    run(async () => {
      const { data } = await api.post<EmitAnswer>('/_mock/events', {
        event,
        session,
        payload: parsed,
        faults: chosenFaults(faults),
      });
      return `Emitted ${event} (${data.event.id}): ${count(data.deliveries.length, 'delivery', 'deliveries')}.`;
    });
  };

  return (
    <section class="panel" aria-labelledby="emit-title">
      <h2 id="emit-title">Emit an event</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="emit-event">Event</label>
          <select
            id="emit-event"
            value={event}
            onChange={(change) => {
              const next = change.currentTarget.value as EventName;
              setEvent(next);
              setPayload(payloadText(next));
              setPayloadError(null);
            }}
          >
            {EVENT_NAMES.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="emit-session">Session</label>
          <input id="emit-session" value={session} onInput={(input) => setSession(input.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="emit-payload">Payload</label>
          <textarea
            id="emit-payload"
            rows={10}
            spellcheck={false}
            value={payload}
            aria-invalid={payloadError !== null}
            aria-describedby={payloadError ? 'emit-payload-error' : undefined}
            onInput={(input) => setPayload(input.currentTarget.value)}
          />
          {payloadError && (
            <p id="emit-payload-error" role="alert" class="error">
              {payloadError}
            </p>
          )}
          <button type="button" onClick={() => setPayload(payloadText(event))}>
            New payload
          </button>
        </div>
        <FaultFields id="emit" faults={faults} onChange={setFaults} />
        <button type="submit" class="primary" disabled={state.busy}>
          Emit
        </button>
        <ActionOutcome state={state} />
      </form>
    </section>
  );
}
