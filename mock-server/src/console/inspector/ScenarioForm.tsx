/** Run one of the server's scenarios: a series of related events, in order, reversed or shuffled. */
import { useEffect, useState } from 'preact/hooks';
import { ActionOutcome } from './ActionOutcome.js';
import { useAction } from './action.js';
import type { Api } from './api.js';
import { chosenFaults, FaultFields, NO_FAULTS } from './FaultFields.js';
import { count } from './format.js';
import type { Scenario } from './types.js';

type Order = 'natural' | 'reverse' | 'shuffle';

interface RunAnswer {
  data: { events: unknown[]; deliveries: unknown[] };
}

export function ScenarioForm({ api }: { api: Api }) {
  const [scenarios, setScenarios] = useState<Scenario[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [order, setOrder] = useState<Order>('natural');
  const [session, setSession] = useState('default');
  const [faults, setFaults] = useState(NO_FAULTS);
  const [state, run] = useAction();

  useEffect(() => {
    api.get<{ data: Scenario[] }>('/_mock/scenarios').then(
      ({ data }) => {
        setScenarios(data);
        setName(data[0]?.name ?? '');
      },
      (error: Error) => setLoadError(error.message),
    );
  }, [api]);

  const scenario = scenarios?.find((candidate) => candidate.name === name);
  const submit = (submitted: Event) => {
    submitted.preventDefault();
    run(async () => {
      const { data } = await api.post<RunAnswer>(`/_mock/scenarios/${encodeURIComponent(name)}`, {
        session,
        order,
        faults: chosenFaults(faults),
      });
      return `Ran ${name}: ${count(data.events.length, 'event', 'events')}, ${count(data.deliveries.length, 'delivery', 'deliveries')}.`;
    });
  };

  return (
    <section class="panel" aria-labelledby="scenario-title">
      <h2 id="scenario-title">Run a scenario</h2>
      {loadError && (
        <p role="alert" class="error">
          Could not list the scenarios: {loadError}
        </p>
      )}
      {scenarios && (
        <form onSubmit={submit}>
          <div class="field">
            <label for="scenario-name">Scenario</label>
            <select
              id="scenario-name"
              value={name}
              aria-describedby="scenario-description"
              onChange={(change) => setName(change.currentTarget.value)}
            >
              {scenarios.map((candidate) => (
                <option key={candidate.name}>{candidate.name}</option>
              ))}
            </select>
            <p id="scenario-description" class="hint">
              {scenario && `${scenario.description} Events: ${scenario.events.join(', ')}.`}
            </p>
          </div>
          <div class="field">
            <label for="scenario-order">Order</label>
            <select
              id="scenario-order"
              value={order}
              onChange={(change) => setOrder(change.currentTarget.value as Order)}
            >
              <option value="natural">natural</option>
              <option value="reverse">reverse</option>
              <option value="shuffle">shuffle</option>
            </select>
          </div>
          <div class="field">
            <label for="scenario-session">Session</label>
            <input id="scenario-session" value={session} onInput={(input) => setSession(input.currentTarget.value)} />
          </div>
          <FaultFields id="scenario" faults={faults} onChange={setFaults} />
          <button type="submit" class="primary" disabled={state.busy || name === ''}>
            Run
          </button>
          <ActionOutcome state={state} />
        </form>
      )}
    </section>
  );
}
