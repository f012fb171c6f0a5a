// Custom header names that are also Object.prototype properties reach the receiver like any other.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { call } from '../helpers/contract.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

let mock: MockServer;
let receiver: TestServer;
beforeAll(async () => {
  [mock, receiver] = await Promise.all([startMockServer({ port: 0, allowPrivateUrls: true }), startTestServer()]);
});
afterAll(() => Promise.all([mock.close(), receiver.close()]));

test('headers named constructor, __proto__, toString and hasOwnProperty are sent and recorded', async () => {
  const headers = [
    { name: 'constructor', value: 'c' },
    { name: '__proto__', value: 'p' },
    { name: 'toString', value: 't' },
    { name: 'hasOwnProperty', value: 'h' },
  ];
  const created = await call(mock.url, 'POST', '/api/webhooks', {
    token: mock.token,
    body: { url: `${receiver.url}/hook`, events: ['message.received'], headers },
  });
  expect(created.status).toBe(201);

  await mock.emit('message.received');
  const [delivery] = await mock.waitForDeliveries({ webhookId: created.body.data.id });
  expect(delivery!.status).toBe('succeeded');

  // Pairs, not an object: `{ __proto__: 'p' }` would set a prototype instead of stating a header.
  const raw = receiver.requests[0]!.rawHeaders;
  const received = raw.flatMap((name, i) => (i % 2 === 0 ? [[name.toLowerCase(), raw[i + 1]]] : []));
  expect(received).toEqual(
    expect.arrayContaining([
      ['constructor', 'c'],
      ['__proto__', 'p'],
      ['tostring', 't'],
      ['hasownproperty', 'h'],
    ]),
  );

  // The control API shows what was sent, the same four included.
  const shown = await call(mock.url, 'GET', `/_mock/deliveries/${delivery!.id}`, { token: mock.token });
  const shownHeaders = shown.body.data.request.headers as Record<string, string>;
  expect(Object.getOwnPropertyNames(shownHeaders)).toEqual(
    expect.arrayContaining(['constructor', '__proto__', 'tostring', 'hasownproperty']),
  );
  expect(Object.getOwnPropertyDescriptor(shownHeaders, '__proto__')?.value).toBe('p');
  expect(shownHeaders.constructor).toBe('c');
});
