// Compile-time checks, run by `npm run typecheck`: every @ts-expect-error must be an error.
import { createTitanClient, type EventMap, type TitanEvent, type Webhook } from '@titan-webhooks/sdk';

const client = createTitanClient({ baseUrl: 'http://127.0.0.1:4010', token: 'titan_dev' });

export async function typeChecks(): Promise<void> {
  // @ts-expect-error a webhook needs a url
  await client.webhooks.create({ events: ['message.received'] });

  // @ts-expect-error not an event name
  await client.webhooks.create({ url: 'https://example.com/hook', events: ['message.recieved'] });

  // @ts-expect-error not a retry policy
  await client.webhooks.create({ url: 'https://example.com/hook', retries: { policy: 'fibonacci' } });

  // @ts-expect-error unknown fields are not part of the request
  await client.webhooks.update(1, { secret: 'abc' });

  const created = await client.webhooks.create({
    url: 'https://example.com/hook',
    events: ['*'],
    hmacKey: 'a-key-of-16-chars',
  });
  const key: string | null = created.hmacKey;

  const [first] = await client.webhooks.list();
  // @ts-expect-error list results never carry the hmacKey
  void first?.hmacKey;

  const one: Webhook = await client.webhooks.get(1);
  // @ts-expect-error get results never carry the hmacKey
  void one.hmacKey;

  // @ts-expect-error ids are numbers
  await client.webhooks.delete('42');

  void key;
}

export function narrowing(event: TitanEvent): string {
  switch (event.event) {
    case 'message.received':
      return event.payload.pushName ?? event.payload.type;
    case 'session.status':
      // @ts-expect-error a session.status payload has no body
      return event.payload.body;
    case 'command.result':
      return event.payload.correlationId;
    default:
      return event.id;
  }
}

export const sessionEvent: EventMap['session.status']['event'] = 'session.status';
