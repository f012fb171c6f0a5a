// One round trip through the three installed packages: the SDK's client creates a webhook on the mock
// server, which delivers a signed event to an Express app verifying it with the receiver.
import { once } from 'node:events';
import { startMockServer } from '@titan-webhooks/mock-server';
import { titanWebhooks, verifySignature } from '@titan-webhooks/receiver';
import { createTitanClient, signPayload } from '@titan-webhooks/sdk';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import express from 'express';

const hmacKey = 'packaging-smoke-key-0123';
const body = '{"hello":"world"}';
const signature = await signPayload(body, hmacKey);

const received = [];
const app = express();
app.post('/hook', titanWebhooks({ hmacKey, onEvent: (event) => received.push(event.id) }));
const receiver = app.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const mock = await startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.01 });
try {
  const titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
  const hook = await titan.webhooks.create({
    url: `http://127.0.0.1:${receiver.address().port}/hook`,
    events: ['message.received'],
    hmacKey,
  });
  const { event } = await mock.emit('message.received');
  const [settled] = await mock.waitForDeliveries({ webhookId: hook.id, status: 'succeeded' });
  const delivery = await createMockControl({ baseUrl: mock.url, token: mock.token }).delivery(settled.id);
  console.log(
    JSON.stringify({
      node: process.version,
      signedBodyVerifies: await verifySignature(body, signature, hmacKey),
      alteredBodyVerifies: await verifySignature(`${body} `, signature, hmacKey),
      emitted: event.id,
      received,
      delivery: { status: delivery.status, eventId: delivery.eventId },
    }),
  );
} finally {
  await mock.close();
  receiver.close();
}
