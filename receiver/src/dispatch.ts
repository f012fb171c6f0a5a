import type { EventName, TitanEvent } from '@titan-webhooks/sdk';
import type { EventHandler, ReceiverOptions } from './options.js';

/** Runs the event's `on` handler, then `onEvent`, one after the other; the first failure rejects. */
export function handlersOf<Req>(options: ReceiverOptions<Req>): (event: TitanEvent, request: Req) => Promise<void> {
  return async (event, request) => {
    // The map pairs each name with its own handler type; TypeScript cannot follow that through an index.
    const handler = options.on?.[event.event] as EventHandler<EventName, Req> | undefined;
    await handler?.(event, request);
    await options.onEvent?.(event, request);
  };
}
