// Compile-time checks of the receiver, run by `npm run typecheck`: every @ts-expect-error must be an error.

import {
  constructEvent,
  createWebhookHandler,
  type EventMap,
  type EventName,
  isEvent,
  type TitanEvent,
  titanWebhooks,
  type UnknownEvent,
  verifyWebhookSignature,
  WebhookVerificationError,
} from '@titan-webhooks/receiver';
import { EVENT_NAMES } from '@titan-webhooks/sdk';
import express from 'express';

const app = express();

app.post(
  '/titan',
  titanWebhooks({
    hmacKey: ['new-key-0123456789', 'old-key-0123456789'],
    on: {
      'message.received': (event) => {
        const from: EventMap['message.received']['payload']['from'] = event.payload.from;
        void from;
      },
      'session.status': (event) => {
        // @ts-expect-error a session.status payload has no body
        void event.payload.body;
        const status: string = event.payload.status;
        void status;
      },
    },
    onEvent: (event: TitanEvent) => void event.id,
    onError: (error) => void error.code,
  }),
);

titanWebhooks({
  hmacKey: 'key-0123456789abcdef',
  on: {
    // @ts-expect-error not a Titan event name
    'message.recieved': () => undefined,
  },
});

// Without handlers the middleware passes on, and Express's own Request knows req.titanEvent.
app.post('/verified', titanWebhooks({ hmacKey: 'key-0123456789abcdef' }), (req, res) => {
  const event: TitanEvent | undefined = req.titanEvent;
  res.json({ id: event?.id });
});

// @ts-expect-error hmacKey is required
titanWebhooks({ on: {} });

export const handler: (request: Request) => Promise<Response> = createWebhookHandler({
  hmacKey: 'key-0123456789abcdef',
  on: { 'command.result': (event) => void event.payload.correlationId },
  dedupe: true,
  toleranceSeconds: 600,
});

export async function narrowing(body: string, signature: string | null): Promise<EventName> {
  const event = await constructEvent(body, signature, 'key-0123456789abcdef');
  if (event.event === 'message.received') return event.payload.from ? event.event : event.event;
  return event.event;
}

// Unknown event names do not widen the known union: `event` stays exactly the 31 names...
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const onlyKnownNames: Equal<TitanEvent['event'], EventName> = true;
export const thirtyOneNames: 31 = EVENT_NAMES.length;
// ...and comparing `event.event` with any of them narrows to exactly that event's type.
export const narrowsEveryName: Record<EventName, true> = {} as {
  [E in EventName]: Equal<Extract<TitanEvent, { event: E }>, EventMap[E]>;
};

export function exhaustive(event: TitanEvent): string {
  switch (event.event) {
    case 'message.received':
      return event.payload.body;
    case 'session.status':
      return event.payload.status;
    case 'command.result':
      return event.payload.correlationId;
    default: {
      // @ts-expect-error a name the switch did not handle is still one of the known events, never `string`
      const unknownName: 'some.new_event' = event.event;
      return unknownName;
    }
  }
}

export async function vendorNames(body: string, signature: string): Promise<string | undefined> {
  const event = await verifyWebhookSignature(body, signature, 'key-0123456789abcdef');
  if (isEvent(event, 'message.received')) return event.payload.body;
  if (isEvent(event, 'session.status')) {
    // @ts-expect-error narrowed to session.status, which has no body
    void event.payload.body;
    return event.payload.status;
  }
  // @ts-expect-error not a Titan event name
  isEvent(event, 'message.recieved');
  return undefined;
}

titanWebhooks({
  hmacKey: 'key-0123456789abcdef',
  unknownEvents: 'accept',
  onUnknownEvent: (event: UnknownEvent) => {
    const name: string = event.event;
    const payload: Record<string, unknown> = event.payload;
    void [name, payload];
  },
  on: {
    // @ts-expect-error a name Titan may add later cannot get a typed handler: onUnknownEvent sees it
    'message.translated': () => undefined,
  },
});

// @ts-expect-error unknownEvents is "accept" or "reject"
titanWebhooks({ hmacKey: 'key-0123456789abcdef', unknownEvents: 'ignore' });

export function unknownFromError(error: unknown): UnknownEvent | undefined {
  if (error instanceof WebhookVerificationError && error.code === 'unknown_event') return error.event;
  return undefined;
}
