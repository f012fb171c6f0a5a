// Compile-time checks of the receiver, run by `npm run typecheck`: every @ts-expect-error must be an error.

import {
  constructEvent,
  createWebhookHandler,
  type EventMap,
  type EventName,
  type TitanEvent,
  titanWebhooks,
} from '@titan-webhooks/receiver';
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
