import type { EventMap, EventName } from './generated/events.js';

/**
 * Whether `event` is the event `name`, narrowing it to that event's type: `if (isEvent(event,
 * 'message.received')) event.payload.from`. The same as comparing `event.event === name`, under the
 * name Titan's docs use.
 */
export function isEvent<E extends EventName>(event: { readonly event: string }, name: E): event is EventMap[E] {
  return event.event === name;
}
