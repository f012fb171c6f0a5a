// Error messages that say what to do next: the SSRF refusal of a local URL, a timed-out
// waitForDeliveries, and TitanApiError's message.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient, TitanApiError } from '@titan-webhooks/sdk';
import { startTestServer } from '../helpers/http-server.js';

const FLAG_HINT =
  'to allow local receivers, start the mock server with --allow-private-urls, or allowPrivateUrls: true';

/** A port on which nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('on a server without --allow-private-urls', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0 });
  });
  afterAll(() => server.close());

  const create = (url: string) =>
    createTitanClient({ baseUrl: server.url, token: server.token, retry: false }).webhooks.create({ url });

  test.each([
    ['http://127.0.0.1:3000/hook', 'must be an https URL'],
    ['http://localhost:3000/hook', 'must be an https URL'],
    ['https://127.0.0.1:3000/hook', 'url points to 127.0.0.1, a loopback address'],
    ['https://localhost/hook', 'url host localhost'],
    ['https://192.168.1.20/hook', 'a private address'],
  ])(
    '%s is refused with the flag that allows it named, in the API error and in TitanApiError.message',
    async (url, reason) => {
      const error = await create(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TitanApiError);
      const { details, message } = error as TitanApiError;
      expect(details).toEqual([{ path: '/url', message: expect.stringContaining(reason) }]);
      expect(details[0]!.message).toContain(FLAG_HINT);
      expect(message).toBe(`request body is invalid: /url: ${details[0]!.message}`);
    },
  );

  test('a refusal the flag would not lift names no flag', async () => {
    const error = (await create('https://user:secret@127.0.0.1/hook').catch((e: unknown) => e)) as TitanApiError;
    expect(error.details).toEqual([{ path: '/url', message: 'url must not contain a username or password' }]);
    expect(error.message).toBe('request body is invalid: /url: url must not contain a username or password');
  });

  test('TitanApiError.message gives the first detail and counts the others', async () => {
    const client = createTitanClient({ baseUrl: server.url, token: server.token, retry: false });
    const error = (await client.webhooks
      .create({ url: 'https://93.184.216.34/hook', label: 'x'.repeat(101), hmacKey: 'short' })
      .catch((e: unknown) => e)) as TitanApiError;
    expect(error.details.length).toBe(2);
    const [first] = error.details;
    expect(error.message).toBe(`request body is invalid: ${first!.path}: ${first!.message} (and 1 more)`);
  });
});

describe('waitForDeliveries on timeout', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.001 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const createWebhook = async (url: string, event = 'message.received') =>
    createTitanClient({ baseUrl: server.url, token: server.token, retry: false }).webhooks.create({
      url,
      events: [event as 'message.received'],
      retries: { attempts: 1, delaySeconds: 1 },
    });

  test('waiting for a success that failed shows the failed delivery and its last error', async () => {
    const hook = await createWebhook(`http://127.0.0.1:${await closedPort()}/hook`);
    const { deliveries } = await server.emit('message.received');
    await server.waitForDeliveries({ status: 'failed' });

    const error = (await server
      .waitForDeliveries({ webhookId: hook.id, status: 'succeeded' }, 50)
      .catch((e: unknown) => e)) as Error;
    expect(error.message.split('\n')).toEqual([
      `waitForDeliveries timed out after 50 ms waiting for 1 succeeded delivery with webhook ${hook.id}.`,
      `Saw 1 delivery with webhook ${hook.id}: 1 failed.`,
      expect.stringMatching(
        new RegExp(
          `^  ${deliveries[0]!.id} \\(webhook ${hook.id}, message.received\\): failed after 2 attempts, last error: connection refused: .*ECONNREFUSED`,
        ),
      ),
    ]);
  });

  test('counts by status, one line per delivery', async () => {
    const receiver = await startTestServer((req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : 500;
      res.end();
    });
    try {
      await createWebhook(`${receiver.url}/ok`);
      await createWebhook(`${receiver.url}/broken`);
      await server.emit('message.received');
      await server.waitForDeliveries({ count: 2 });

      const error = (await server.waitForDeliveries({ count: 3 }, 20).catch((e: unknown) => e)) as Error;
      const lines = error.message.split('\n');
      expect(lines.slice(0, 2)).toEqual([
        'waitForDeliveries timed out after 20 ms waiting for 3 settled deliveries.',
        'Saw 2 deliveries: 1 succeeded, 1 failed.',
      ]);
      expect(lines.slice(2)).toEqual([
        expect.stringMatching(/: succeeded after 1 attempt, last answer: HTTP 200$/),
        expect.stringMatching(/: failed after 2 attempts, last answer: HTTP 500$/),
      ]);
    } finally {
      await receiver.close();
    }
  });

  test('nothing emitted: says so and asks the likely questions', async () => {
    const error = (await server.waitForDeliveries({ event: 'call.missed' }, 10).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'waitForDeliveries timed out after 10 ms waiting for 1 settled delivery with event call.missed.\n' +
        'Saw no delivery with event call.missed: was the event emitted, and does an enabled webhook subscribe to it?',
    );
  });
});
