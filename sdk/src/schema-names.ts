import type { EventName } from './generated/events.js';

/**
 * The contract's component name for an event's payload or envelope schema:
 * `message.received` -> `MessageReceivedPayload` / `MessageReceivedEvent`.
 */
export function eventSchemaName(event: EventName | string, kind: 'Payload' | 'Event'): string {
  return event.replace(/(^|[._])([a-z])/g, (_match, _separator, letter: string) => letter.toUpperCase()) + kind;
}
