// Scenario runs over the control API, seen by real receivers: the order events arrive in, one at a
// time per webhook, the ids they share, webhooks progressing independently, and a restart mid-run.
import type { ServerResponse } from 'node:http';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import type { TitanEvent } from '@titan-webhooks/sdk';
import { eventSchemaName } from '@titan-webhooks/sdk/internal';
import { mockControlOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import { SCENARIOS } from '../../mock-server/src/scenarios/index.js';
import { assertSchema, call } from '../helpers/contract.js';
import { STORE_KINDS, tempDataFile } from '../helpers/delivery-engine.js';
import { type RecordedRequest, startTestServer, type TestServer } from '../helpers/http-server.js';
import { startMockServerWith } from '../helpers/mock-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, polling; rejects after `timeoutMs`. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Which events of a run must share one id: the message, the group, the call, the operation. */
function linkingId(envelope: TitanEvent): unknown {
  const payload = envelope.payload as unknown as Record<string, unknown>;
  if (envelope.event === 'message.sent' || envelope.event === 'message.received') return payload.id;
  return payload.messageId ?? payload.groupId ?? payload.callId ?? payload.correlationId;
}

/**
 * A receiver that answers each request `delayMs` after it arrives and records, per path, the event
 * bodies in arrival order, whether the previous one had been answered, and the most in flight at once.
 */
async function startSlowReceiver(delayMs: number) {
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const handler = async (req: RecordedRequest, res: ServerResponse) => {
    const now = (inFlight.get(req.url) ?? 0) + 1;
    inFlight.set(req.url, now);
    maxInFlight.set(req.url, Math.max(maxInFlight.get(req.url) ?? 0, now));
    await sleep(delayMs);
    inFlight.set(req.url, inFlight.get(req.url)! - 1);
    res.end();
  };
  const receiver = await startTestServer(handler);
  const arrived = (path: string) =>
    receiver.requests.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as TitanEvent);
  return { receiver, handler, arrived, maxInFlight: (path: string) => maxInFlight.get(path) ?? 0 };
}

describe.each(STORE_KINDS)('with the %s store', (kind) => {
  let mock: MockServer;
  let slow: Awaited<ReturnType<typeof startSlowReceiver>>;
  let receiver: TestServer;
  beforeAll(async () => {
    slow = await startSlowReceiver(20);
    receiver = slow.receiver;
    mock = await startMockServerWith(kind, { allowPrivateUrls: true, timeScale: 0.01 });
  });
  afterAll(async () => {
    await mock.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await mock.reset();
    receiver.requests.length = 0;
    receiver.handle(slow.handler);
  });

  const api = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
    call(mock.url, method, path, { token: mock.token, body });
  const createWebhook = async (path: string, fields: object = {}) =>
    (await api('POST', '/api/webhooks', { url: `${receiver.url}${path}`, ...fields })).body.data as { id: number };

  test('GET /_mock/scenarios lists the seven with their events in natural order, as the contract names them', async () => {
    const res = await api('GET', '/_mock/scenarios');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(SCENARIOS.map(({ name, description, events }) => ({ name, description, events })));
    expect(mockControlOpenApiDocument.components.schemas.ScenarioName.enum).toEqual(SCENARIOS.map((s) => s.name));
    expect(await mock.scenarios()).toEqual(res.body.data);
  });

  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, definition) => {
    test.each(['natural', 'reverse', 'shuffle'] as const)(
      '%s order: arrives in that order, one at a time, linked and valid',
      async (order) => {
        const hook = await createWebhook(`/${order}`);
        const res = await api('POST', `/_mock/scenarios/${name}`, { session: 'sales-1', order });
        expect(res.status).toBe(202);
        const { events, deliveries } = res.body.data as {
          events: TitanEvent[];
          deliveries: { id: string; webhookId: number; eventId: string }[];
        };
        expect(deliveries).toEqual(
          events.map((e) => ({ id: expect.stringMatching(/^dlv_/), webhookId: hook.id, eventId: e.id })),
        );
        const names = events.map((e) => e.event);
        if (order === 'natural') expect(names).toEqual(definition.events);
        if (order === 'reverse') expect(names).toEqual([...definition.events].reverse());
        expect([...names].sort()).toEqual([...definition.events].sort());

        const settled = await mock.waitForDeliveries({ webhookId: hook.id, count: events.length });
        expect(settled.map((d) => d.status)).toEqual(events.map(() => 'succeeded'));
        const arrived = slow.arrived(`/${order}`);
        expect(arrived).toEqual(events);
        expect(slow.maxInFlight(`/${order}`)).toBe(1);
        for (const envelope of arrived) {
          assertSchema(eventSchemaName(envelope.event, 'Event'), envelope);
          expect(envelope.session).toBe('sales-1');
        }
        const linking = arrived.map(linkingId).filter((id) => id !== undefined);
        expect(new Set(linking).size).toBeLessThanOrEqual(1);
        if (!name.startsWith('session.')) expect(linking).toHaveLength(arrived.length);
      },
    );
  });

  test('a slow receiver never sees the next event before it answered the previous one', async () => {
    await createWebhook('/slow');
    const { events } = await mock.trigger('message.outbound');
    await mock.waitForDeliveries({ count: events.length });
    const settled = await mock.deliveries();
    const byEvent = events.map((e) => settled.find((d) => d.eventId === e.id)!);
    for (let i = 1; i < byEvent.length; i++) {
      const previous = byEvent[i - 1]!.attempts.at(-1)!;
      const answeredAt = Date.parse(previous.startedAt) + previous.durationMs!;
      expect(Date.parse(byEvent[i]!.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(answeredAt);
    }
    expect(slow.maxInFlight('/slow')).toBe(1);
  });

  test('duplicates of one event go together, and the next event waits for all of them', async () => {
    await createWebhook('/copies');
    const res = await api('POST', '/_mock/scenarios/call.missed', { faults: { duplicates: 2 } });
    const { events, deliveries } = res.body.data as { events: TitanEvent[]; deliveries: { eventId: string }[] };
    expect(deliveries.map((d) => d.eventId)).toEqual([
      events[0]!.id,
      events[0]!.id,
      events[0]!.id,
      events[1]!.id,
      events[1]!.id,
      events[1]!.id,
    ]);
    await mock.waitForDeliveries({ count: 6 });
    expect(slow.arrived('/copies').map((e) => e.event)).toEqual([
      ...Array(3).fill('call.received'),
      ...Array(3).fill('call.missed'),
    ]);
    expect(slow.maxInFlight('/copies')).toBe(3);
  });

  test('webhooks progress independently: one stuck on the first event holds back no other, a failed delivery settles its step', async () => {
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    receiver.handle(async (req, res) => {
      if (req.url === '/stuck') await stuck;
      res.statusCode = req.url === '/failing' ? 500 : 200;
      res.end();
    });
    try {
      const held = await createWebhook('/stuck');
      const failing = await createWebhook('/failing', { retries: { attempts: 0 } });
      const { events } = await mock.trigger('group.lifecycle', { order: 'reverse' });
      const failed = await mock.waitForDeliveries({ webhookId: failing.id, count: 4, status: 'failed' });
      expect(failed).toHaveLength(4);
      expect(receiver.requests.filter((r) => r.url === '/failing').map((r) => JSON.parse(r.body).id)).toEqual(
        events.map((e) => e.id),
      );
      // The stuck webhook got its first event only, and waits.
      await until(() => receiver.requests.some((r) => r.url === '/stuck'));
      expect(receiver.requests.filter((r) => r.url === '/stuck')).toHaveLength(1);
      expect((await mock.deliveries({ webhookId: held.id, status: 'pending' })).length).toBe(4);
      release();
      await mock.waitForDeliveries({ webhookId: held.id, count: 4 });
      expect(receiver.requests.filter((r) => r.url === '/stuck').map((r) => JSON.parse(r.body).id)).toEqual(
        events.map((e) => e.id),
      );
    } finally {
      release();
    }
  });

  test('deleting the webhook mid-run cancels the rest of the run', async () => {
    receiver.handle(async (_req, res) => {
      await sleep(100);
      res.end();
    });
    const hook = await createWebhook('/deleted');
    await mock.trigger('message.inbound');
    await mock.waitForDeliveries({ count: 1, settled: false });
    await api('DELETE', `/api/webhooks/${hook.id}`);
    const settled = await mock.waitForDeliveries({ count: 4 });
    expect(settled.filter((d) => d.status === 'cancelled').length).toBeGreaterThanOrEqual(3);
    expect(receiver.requests.filter((r) => r.url === '/deleted')).toHaveLength(1);
  });

  test('an unknown scenario is 404 naming the scenarios; a bad body is 400 in the error shape', async () => {
    const missing = await api('POST', '/_mock/scenarios/no.such');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: 'not_found',
      error: `no scenario "no.such"; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    });
    for (const [body, path] of [
      [{ order: 'sideways' }, '/order'],
      [{ session: 'no spaces' }, '/session'],
      [{ faults: { duplicates: 11 } }, '/faults/duplicates'],
      [{ extra: true }, '/extra'],
    ] as const) {
      const res = await api('POST', '/_mock/scenarios/call.missed', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path })] });
    }
    // No body at all is the natural order on the default session.
    const plain = await api('POST', '/_mock/scenarios/command.async');
    expect(plain.status).toBe(202);
    expect(plain.body.data.events[0]).toMatchObject({ event: 'command.result', session: 'default' });
  });
});

test('with --data, a step waiting for the one before stays blocked across a restart until it settles', async () => {
  const data = tempDataFile();
  let fail = true;
  const receiver = await startTestServer((_req, res) => res.writeHead(fail ? 500 : 200).end());
  const options = { port: 0, dataFile: data.file, allowPrivateUrls: true, timeScale: 0.01 };
  let mock = await startMockServer(options);
  try {
    // One retry, 100 s after the first failure at a time scale of 0.01: one second later.
    await call(mock.url, 'POST', '/api/webhooks', {
      token: mock.token,
      body: { url: `${receiver.url}/hook`, retries: { attempts: 1, delaySeconds: 100, policy: 'constant' } },
    });
    const { events } = await mock.trigger('message.outbound', { order: 'shuffle' });
    const [first] = events;
    const failedOnce = await mock.waitForDeliveries({ count: 1, settled: false });
    await until(async () => (await mock.deliveries())[0]!.attempts[0]?.nextRetryAt != null);
    expect(failedOnce[0]!.eventId).toBe(first!.id);
    await mock.close();

    fail = false;
    mock = await startMockServer(options);
    const waiting = await mock.deliveries();
    expect(waiting.map((d) => [d.status, d.attempts.length])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
    const settled = await mock.waitForDeliveries({ count: 4 }, 5000);
    expect(settled.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    // The first event twice (its failure, then its retry after the restart), then the rest in order.
    expect(receiver.requests.map((r) => JSON.parse(r.body).id)).toEqual([first!.id, ...events.map((e) => e.id)]);
    const retriedAt = Date.parse(settled[0]!.attempts[1]!.startedAt);
    for (const later of settled.slice(1))
      expect(Date.parse(later.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(retriedAt);
  } finally {
    await mock.close();
    await receiver.close();
    data.remove();
  }
});
