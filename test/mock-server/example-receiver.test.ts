// mock-server/examples/receiver.mjs, the README's receiver, run as its own process against real deliveries.
// Plain Node runs it, so it imports the built @titan-webhooks/receiver (dist/), as a reader of the README would.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { call } from '../helpers/contract.js';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'mock-server', 'examples', 'receiver.mjs');
const KEY = 'the-example-key-of-the-test';

let mock: MockServer;
let receiver: ChildProcessWithoutNullStreams;
let receiverUrl: string;
let output = '';

beforeAll(async () => {
  mock = await startMockServer({ port: 0, allowPrivateUrls: true });
  receiver = spawn(process.execPath, [EXAMPLE, '0'], { cwd: ROOT, env: { ...process.env, HMAC_KEY: KEY } });
  receiver.stderr.on('data', (chunk: Buffer) => (output += chunk));
  receiverUrl = await new Promise<string>((resolve, reject) => {
    receiver.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      const url = /receiver listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    receiver.on('exit', (code) => reject(new Error(`the example exited with ${code}: ${output}`)));
  });
});
afterAll(async () => {
  const exited = once(receiver, 'exit');
  receiver.kill();
  await Promise.all([exited, mock.close()]);
});

/** The receiver's stdout reaches this process through a pipe, possibly after the delivery settled. */
async function printed(text: string, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!output.includes(text)) {
    if (Date.now() > until)
      throw new Error(`the example did not print ${JSON.stringify(text)}; it printed:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function deliverWith(hmacKey: string) {
  const created = await call(mock.url, 'POST', '/api/webhooks', {
    token: mock.token,
    body: { url: receiverUrl, events: ['message.received'], hmacKey, retries: { attempts: 0 } },
  });
  expect(created.status).toBe(201);
  const emitted = await call(mock.url, 'POST', '/_mock/events', {
    token: mock.token,
    body: { event: 'message.received' },
  });
  const [delivery] = await mock.waitForDeliveries({ webhookId: created.body.data.id });
  await call(mock.url, 'DELETE', `/api/webhooks/${created.body.data.id}`, { token: mock.token });
  return { delivery: delivery!, eventId: emitted.body.data.event.id as string };
}

test('a delivery signed with its key is verified, printed and answered 200', async () => {
  const { delivery, eventId } = await deliverWith(KEY);
  expect(delivery.status).toBe('succeeded');
  expect(delivery.attempts[0]!.statusCode).toBe(200);
  await printed(`verified message.received ${delivery.id} attempt 1\n`);
  await printed(`{"id":"${eventId}","event":"message.received"`);
});

test('a delivery signed with another key is rejected with 401 and reported', async () => {
  const { delivery } = await deliverWith('not-the-example-key');
  expect(delivery.status).toBe('failed');
  expect(delivery.attempts[0]!.statusCode).toBe(401);
  await printed(`REJECTED ${delivery.id}: signature_mismatch`);
});
