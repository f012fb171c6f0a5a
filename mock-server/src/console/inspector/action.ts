/** A form's request: whether it is under way, and what came of it, for the form's status line. */
import { useState } from 'preact/hooks';
import { RequestError } from './api.js';

export interface ActionState {
  busy: boolean;
  /** What the last run did, or why it failed. */
  outcome: { ok: boolean; text: string } | null;
}

export function useAction(): [ActionState, (run: () => Promise<string>) => void] {
  const [state, setState] = useState<ActionState>({ busy: false, outcome: null });
  const start = (run: () => Promise<string>) => {
    setState({ busy: true, outcome: null });
    run().then(
      (text) => setState({ busy: false, outcome: { ok: true, text } }),
      (error: Error) =>
        setState({
          busy: false,
          outcome: { ok: false, text: error instanceof RequestError ? error.describe() : error.message },
        }),
    );
  };
  return [state, start];
}
