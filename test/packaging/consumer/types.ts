// A consumer's code, compiled by the packaging test against the installed tarballs under each
// moduleResolution. Each @ts-expect-error proves a declaration is a real type, not `any`.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { constructEvent, titanWebhooks } from '@titan-webhooks/receiver';
import { createTitanClient, EVENT_NAMES, type TitanEvent, type WebhookWithKey } from '@titan-webhooks/sdk';
import { parseRetryAfter } from '@titan-webhooks/sdk/internal';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';

export const eventNames: readonly string[] = EVENT_NAMES;
// @ts-expect-error: not an event name
export const misspelt: TitanEvent['event'] = 'message.recieved';

export const openApiVersion: string = titanOpenApiDocument.openapi;
// @ts-expect-error: the document's version is a string
export const openApiVersionNumber: number = titanOpenApiDocument.openapi;

export const retryAfterMs: number | null = parseRetryAfter('5');
// @ts-expect-error: null when the header is absent or unreadable
export const retryAfterAlways: number = parseRetryAfter('5');

export const middleware = titanWebhooks({
  hmacKey: 'a-secret-of-16+-chars',
  on: {
    'message.received': (event) => {
      const name: 'message.received' = event.event;
      return name;
    },
  },
});
titanWebhooks({
  hmacKey: 'a-secret-of-16+-chars',
  // @ts-expect-error: handlers are keyed by event name
  on: { 'message.recieved': () => undefined },
});

export async function consume(): Promise<string> {
  const server: MockServer = await startMockServer({ port: 0 });
  // @ts-expect-error: the port is a number
  await startMockServer({ port: '0' });
  const titan = createTitanClient({ baseUrl: server.url, token: server.token });
  // @ts-expect-error: the token is a string
  createTitanClient({ baseUrl: server.url, token: 1 });
  const hook: WebhookWithKey = await titan.webhooks.create({ url: 'https://example.com/hook' });
  // @ts-expect-error: ids are numbers
  await titan.webhooks.get(String(hook.id));
  const control = createMockControl({ baseUrl: server.url, token: server.token });
  // @ts-expect-error: not an event name
  await control.emit('message.recieved');
  const { event } = await control.emit('session.status');
  const status: 'session.status' = event.event;
  const verified: TitanEvent = await constructEvent('{}', null, 'a-secret-of-16+-chars');
  // @ts-expect-error: event ids are strings
  const id: number = verified.id;
  await server.close();
  return `${status} ${id}`;
}
