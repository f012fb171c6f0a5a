// The SDK's live stream client on Bun, as published: against a Bun.serve SSE server.
import { afterAll, expect, test } from 'bun:test';
import { createMockControl, type StreamMessage } from '@titan-webhooks/sdk/mock';

let cancelled!: () => void;
const bodyCancelled = new Promise<void>((resolve) => (cancelled = resolve));
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: (request) => {
    if (request.headers.get('authorization') !== 'Bearer titan_bun') {
      return Response.json({ error: 'missing or invalid API key', code: 'unauthorized' }, { status: 401 });
    }
    const wire = new TextEncoder().encode(
      `retry: 2000\n\nid: 1\nevent: webhook\ndata: {"id":3,"deleted":true}\n\n: heartbeat\n\nid: 2\nevent: webhook\ndata: {"id":4,"deleted":true}\n\n`,
    );
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Five bytes at a time, then the stream stays open as the mock server's does.
        if (at >= wire.length) return;
        controller.enqueue(wire.slice(at, at + 5));
        at += 5;
      },
      cancel: () => cancelled(),
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  },
});
afterAll(() => server.stop(true));

const control = (token: string) => createMockControl({ baseUrl: `http://127.0.0.1:${server.port}`, token });

test('stream() yields typed messages and leaving the loop closes the connection', async () => {
  const seen: StreamMessage[] = [];
  for await (const message of control('titan_bun').stream()) {
    seen.push(message);
    if (seen.length === 2) break;
  }
  expect(seen).toEqual([
    { type: 'webhook', data: { id: 3, deleted: true } },
    { type: 'webhook', data: { id: 4, deleted: true } },
  ]);
  await bodyCancelled;
});

test('a refused stream throws TitanApiError', async () => {
  const iterate = async () => {
    for await (const _ of control('wrong').stream()) break;
  };
  await expect(iterate()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
});
