/** What a scenario is, and how its steps become envelopes on one timeline. */

import { createEvent, type EventName, type EventPayloads, type TitanEvent } from '@titan-webhooks/sdk';

/** One event of a scenario, with its payload made for the moment it happens (Unix seconds). */
export type ScenarioStep = { [E in EventName]: { event: E; payload: (at: number) => EventPayloads[E] } }[EventName];

export interface Scenario {
  name: string;
  description: string;
  /** The scenario's events in their natural order. */
  events: readonly EventName[];
  /** Fresh envelopes for `session`: new event ids, new linking ids, times up to now. */
  build(session: string): TitanEvent[];
}

/** Seconds between two consecutive events of a scenario. */
const STEP_SECONDS = 1;

/**
 * A scenario from a function making its steps: each call makes fresh identities, so two builds share
 * nothing. The events happen one second apart, the last one now.
 */
export function defineScenario(name: string, description: string, steps: () => ScenarioStep[]): Scenario {
  return {
    name,
    description,
    events: steps().map((step) => step.event),
    build(session) {
      const made = steps();
      const last = Math.floor(Date.now() / 1000);
      return made.map(({ event, payload }, index) => {
        const at = last - (made.length - 1 - index) * STEP_SECONDS;
        // Each step's payload function is typed by its own event: the pair is consistent.
        return createEvent(event, payload(at) as never, {
          session,
          timestamp: new Date(at * 1000).toISOString(),
        }) as TitanEvent;
      });
    },
  };
}
