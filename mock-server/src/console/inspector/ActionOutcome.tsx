/** A form's result line: announced politely on success, as an alert on failure. */
import type { ActionState } from './action.js';

export function ActionOutcome({ state }: { state: ActionState }) {
  if (state.outcome === null) return <p role="status" class="outcome" />;
  return state.outcome.ok ? (
    <p role="status" class="outcome">
      {state.outcome.text}
    </p>
  ) : (
    <p role="alert" class="outcome error">
      {state.outcome.text}
    </p>
  );
}
