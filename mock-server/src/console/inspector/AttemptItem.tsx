/** One try of a delivery: when, how long, what came back, and when the next one is due. */
import { Fragment } from 'preact';
import { clockTime, duration, readableBody } from './format.js';
import type { Attempt } from './types.js';

function outcome(attempt: Attempt): string {
  if (attempt.statusCode !== null) return `HTTP ${attempt.statusCode}`;
  if (attempt.error !== null) return attempt.error;
  return 'on the wire';
}

/** An answer emptied to make room for newer ones. */
const forgotten = (response: NonNullable<Attempt['response']>) =>
  response.truncated && response.body === '' && Object.keys(response.headers).length === 0;

export function AttemptItem({ attempt }: { attempt: Attempt }) {
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  const { response } = attempt;
  return (
    <li class="attempt" data-attempt={attempt.attempt}>
      <h4>
        Try {attempt.attempt}: <span class={ok ? 'outcome-ok' : 'outcome-bad'}>{outcome(attempt)}</span>
      </h4>
      <dl class="facts">
        <dt>Started</dt>
        <dd>{clockTime(attempt.startedAt)}</dd>
        <dt>Took</dt>
        <dd>{attempt.durationMs === null ? 'still running' : duration(attempt.durationMs)}</dd>
        {attempt.statusCode !== null && attempt.error !== null && (
          <>
            <dt>Error</dt>
            <dd>{attempt.error}</dd>
          </>
        )}
        {attempt.nextRetryAt !== null && (
          <>
            <dt>Next try</dt>
            <dd>{clockTime(attempt.nextRetryAt)}</dd>
          </>
        )}
      </dl>
      {response === null && attempt.durationMs !== null && <p class="hint">No response arrived.</p>}
      {response && forgotten(response) && (
        <p class="hint">The server no longer keeps this answer: recorded answers share a memory budget.</p>
      )}
      {response && !forgotten(response) && (
        <div class="response">
          <h5>Receiver's response headers</h5>
          <dl class="headers">
            {Object.entries(response.headers).map(([name, value]) => (
              <Fragment key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
          <h5>Receiver's response body{response.truncated && ' (the first 4096 bytes)'}</h5>
          <pre class="body">{response.body === '' ? '(empty)' : readableBody(response.body)}</pre>
        </div>
      )}
    </li>
  );
}
