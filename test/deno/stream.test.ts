// The SDK's live stream client on Deno: fetch and web streams only, against a Deno.serve SSE server.

import { createMockControl, type StreamMessage } from '../../sdk/dist/mock.js';
import { assertEquals } from './assert.ts';

Deno.test('stream() parses messages split anywhere, and leaving the loop closes the connection', async () => {
  const delivery = { id: 'dlv_1', webhookId: 1, eventId: 'evt_1', event: 'message.received', status: 'pending' };
  const wire =
    'retry: 2000\n\n: heartbeat\n\n' +
    `id: 1\nevent: webhook\ndata: ${JSON.stringify({ id: 1, deleted: true })}\n\n` +
    `id: 2\nevent: delivery\ndata: ${JSON.stringify(delivery)}\n\n`;
  let closed!: () => void;
  const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () => {
    const bytes = new TextEncoder().encode(wire);
    // Seven bytes at a time: messages, lines and even characters cross chunk boundaries.
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return;
        controller.enqueue(bytes.slice(at, at + 7));
        at += 7;
        // Then stays open, as the mock server's stream does.
      },
      // The client went away: Deno cancels the body.
      cancel: () => closed(),
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });
  try {
    const control = createMockControl({ baseUrl: `http://127.0.0.1:${server.addr.port}`, token: 'titan_deno' });
    const seen: StreamMessage[] = [];
    for await (const message of control.stream()) {
      seen.push(message);
      if (message.type === 'delivery') break;
    }
    assertEquals(seen, [
      { type: 'webhook', data: { id: 1, deleted: true } },
      { type: 'delivery', data: delivery },
    ] as unknown as StreamMessage[]);
    let timer: number | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the connection stayed open after the loop')), 5000);
    });
    await Promise.race([connectionClosed, late]).finally(() => clearTimeout(timer));
  } finally {
    await server.shutdown();
  }
});
