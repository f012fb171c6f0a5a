// Scenario definitions: every event valid against its schema, the ids Titan would share shared,
// fresh ones on each run, increasing times, and the delivery orders.

import type { TitanEvent, TitanEventOf } from '@titan-webhooks/sdk';
import { eventSchemaName } from '@titan-webhooks/sdk/internal';
import { findScenario, order, SCENARIOS, type Scenario } from '../../mock-server/src/scenarios/index.js';
import { assertSchema } from '../helpers/contract.js';

const scenario = (name: string): Scenario => {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
};

/** The events of one build, narrowed by name: `of('message.ack')` are the acks. */
function built(name: string, session = 'sales-1') {
  const events = scenario(name).build(session);
  const of = <E extends TitanEvent['event']>(event: E) =>
    events.filter((e) => e.event === event) as unknown as TitanEventOf<E>[];
  return { events, of };
}

const unique = (values: unknown[]) => new Set(values).size;

test('the seven scenarios, each with a description and its events in order', () => {
  expect(Object.fromEntries(SCENARIOS.map((s) => [s.name, s.events]))).toEqual({
    'message.outbound': ['message.sent', 'message.ack', 'message.ack', 'message.ack'],
    'message.inbound': ['message.received', 'message.reaction', 'message.edited', 'message.revoked'],
    'session.pairing': ['session.status', 'session.qr', 'session.status', 'session.connected'],
    'session.logout': ['session.status', 'session.logged_out'],
    'group.lifecycle': ['group.update', 'group.participant', 'group.participant', 'group.participant'],
    'call.missed': ['call.received', 'call.missed'],
    'command.async': ['command.result'],
  });
  for (const { description } of SCENARIOS) expect(description.length).toBeGreaterThan(10);
  expect(findScenario('nope')).toBeUndefined();
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, definition) => {
  test('every envelope is valid against its event schema and carries the session', () => {
    const events = definition.build('sales-1');
    expect(events.map((e) => e.event)).toEqual(definition.events);
    for (const envelope of events) {
      assertSchema(eventSchemaName(envelope.event, 'Event'), envelope);
      expect(envelope.session).toBe('sales-1');
    }
  });

  test('times increase from one event to the next and end now', () => {
    const events = definition.build('default');
    const times = events.map((e) => Date.parse(e.timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
    expect(Math.abs(Date.now() - times.at(-1)!)).toBeLessThan(5_000);
    // Payload times, where the payload has one, are the envelope's in Unix seconds.
    for (const envelope of events) {
      const at = (envelope.payload as { timestamp?: number }).timestamp;
      if (at !== undefined) expect(at * 1000).toBe(Date.parse(envelope.timestamp));
    }
  });

  test('two runs share no event id', () => {
    const ids = [...definition.build('default'), ...definition.build('default')].map((e) => e.id);
    expect(unique(ids)).toBe(ids.length);
  });
});

describe('linking ids', () => {
  test('message.outbound: one message id and chat from the send through its acks', () => {
    const { of } = built('message.outbound');
    const [sent] = of('message.sent');
    const acks = of('message.ack');
    expect(acks.map((a) => a.payload.status)).toEqual(['sent', 'delivered', 'read']);
    for (const { payload } of acks) {
      expect(payload).toMatchObject({ messageId: sent!.payload.id, chatId: sent!.payload.chatId, isGroup: false });
    }
    // The server's ack names no recipient; the contact's acks name the contact the message went to.
    expect(acks[0]!.payload.recipient).toBeUndefined();
    expect(acks.slice(1).map((a) => a.payload.recipient)).toEqual([sent!.payload.to, sent!.payload.to]);
    const { phoneNumber } = sent!.payload.to as { phoneNumber: string };
    expect(sent!.payload.chatId).toBe(`${phoneNumber.slice(1)}@s.whatsapp.net`);
  });

  test('message.inbound: one message in one group, edited and revoked by its author', () => {
    const { of } = built('message.inbound');
    const [received] = of('message.received');
    const { id, chatId, sender } = received!.payload;
    expect(received!.payload.from).toEqual({ id: chatId });
    const [reaction] = of('message.reaction');
    const [edited] = of('message.edited');
    const [revoked] = of('message.revoked');
    for (const { payload } of [reaction!, edited!, revoked!]) {
      expect(payload).toMatchObject({ messageId: id, chatId, isGroup: true });
    }
    expect(edited!.payload.sender).toEqual(sender);
    expect(revoked!.payload).toMatchObject({ sender, revokedBy: sender });
    expect(reaction!.payload.sender).not.toEqual(sender);
  });

  test('session.pairing: connecting with a QR code, then connected', () => {
    const { events, of } = built('session.pairing');
    expect(of('session.status').map((e) => [e.payload.status, e.payload.statusReason])).toEqual([
      ['CONNECTING', 'SCAN_QR'],
      ['CONNECTED', null],
    ]);
    const [qr] = of('session.qr');
    expect(qr!.payload.attempt).toBe(1);
    expect(qr!.payload.expiresAt * 1000).toBe(Date.parse(qr!.timestamp) + qr!.payload.ttlSeconds * 1000);
    expect(events.at(-1)!.event).toBe('session.connected');
  });

  test('session.logout: disconnected as logged out, then logged_out for the same account', () => {
    const { of } = built('session.logout');
    const [status] = of('session.status');
    expect(status!.payload).toMatchObject({ status: 'DISCONNECTED', statusReason: 'LOGGED_OUT' });
    expect(of('session.logged_out')).toHaveLength(1);
  });

  test('group.lifecycle: one group, one admin, one member added, promoted and removed', () => {
    const { of } = built('group.lifecycle');
    const [update] = of('group.update');
    const changes = of('group.participant');
    expect(changes.map((e) => e.payload.action)).toEqual(['add', 'promote', 'remove']);
    expect(unique(changes.map((e) => e.payload.groupId).concat(update!.payload.groupId))).toBe(1);
    expect(unique(changes.map((e) => JSON.stringify(e.payload.participants)))).toBe(1);
    expect(changes[0]!.payload.participants).toHaveLength(1);
    for (const { payload } of changes) expect(payload.author).toEqual(update!.payload.author);
  });

  test('call.missed: one call id and caller', () => {
    const { of } = built('call.missed');
    const [received] = of('call.received');
    const [missed] = of('call.missed');
    expect(missed!.payload).toMatchObject({ callId: received!.payload.callId, from: received!.payload.from });
  });

  test('command.async: a correlation id as the 202 of an async request gives', () => {
    const [result] = built('command.async').of('command.result');
    expect(result!.payload).toMatchObject({ correlationId: expect.stringMatching(/^cmd-[0-9a-f]+$/), success: true });
  });

  test('every run has its own message, chat, group, call and correlation ids', () => {
    const linking = (name: string) => {
      const payloads = scenario(name)
        .build('default')
        .map((e) => e.payload as unknown as Record<string, unknown>);
      return payloads.flatMap((p) =>
        ['id', 'messageId', 'chatId', 'groupId', 'callId', 'correlationId']
          .filter((key) => typeof p[key] === 'string')
          .map((key) => p[key]),
      );
    };
    for (const { name } of SCENARIOS) {
      const first = new Set(linking(name));
      for (const id of linking(name)) expect(first.has(id)).toBe(false);
    }
    const callers = [1, 2].map(() => built('call.missed').of('call.received')[0]!.payload.from);
    expect(callers[0]).not.toEqual(callers[1]);
  });
});

describe('order', () => {
  const events = ['a', 'b', 'c', 'd'];

  test('natural keeps the order, reverse reverses it; neither changes the input', () => {
    expect(order(events, 'natural')).toEqual(['a', 'b', 'c', 'd']);
    expect(order(events, 'reverse')).toEqual(['d', 'c', 'b', 'a']);
    expect(events).toEqual(['a', 'b', 'c', 'd']);
  });

  test('shuffle is a permutation, and not always the natural one', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const shuffled = order(events, 'shuffle');
      expect([...shuffled].sort()).toEqual(events);
      seen.add(shuffled.join(''));
    }
    // 100 draws among 24 permutations: all the same would happen with probability 24^-99.
    expect(seen.size).toBeGreaterThan(1);
    expect(events).toEqual(['a', 'b', 'c', 'd']);
  });

  test('orders whole envelopes of a scenario', () => {
    const envelopes = scenario('message.outbound').build('default');
    expect(order(envelopes, 'reverse').map((e) => e.id)).toEqual(envelopes.map((e) => e.id).reverse());
  });
});
