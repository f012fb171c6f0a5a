/**
 * The built-in scenarios: short runs of events as Titan sends them for one thing happening, sharing
 * the ids that tie them together (one message id from send to read, one chat, one call, one group).
 * Payloads start from the contract's examples; only the fields that link the events are replaced.
 */

import type { GroupParticipantPayload, MessageAckPayload } from '@titan-webhooks/sdk';
import { generatePayload } from '../api/event-payload.js';
import { freshCallId, freshContact, freshCorrelationId, freshGroupId, freshMessageId } from './identities.js';
import { defineScenario, type Scenario, type ScenarioStep } from './scenario.js';

function messageOutbound(): ScenarioStep[] {
  const id = freshMessageId();
  const contact = freshContact();
  const link = { messageId: id, chatId: contact.chatId, isGroup: false };
  const ack = (status: MessageAckPayload['status']) => (at: number) => {
    // `sent` comes from WhatsApp's server, so it names no recipient; later acks come from the contact.
    const { recipient: _example, ...common } = generatePayload('message.ack');
    return { ...common, ...link, status, timestamp: at, ...(status === 'sent' ? {} : { recipient: contact.ref }) };
  };
  return [
    {
      event: 'message.sent',
      payload: (at) => ({
        ...generatePayload('message.sent'),
        id,
        chatId: contact.chatId,
        to: contact.ref,
        isGroup: false,
        timestamp: at,
      }),
    },
    { event: 'message.ack', payload: ack('sent') },
    { event: 'message.ack', payload: ack('delivered') },
    { event: 'message.ack', payload: ack('read') },
  ];
}

function messageInbound(): ScenarioStep[] {
  const groupId = freshGroupId();
  const author = freshContact().ref;
  const reactor = freshContact().ref;
  const link = { messageId: freshMessageId(), chatId: groupId, isGroup: true, fromMe: false };
  return [
    {
      event: 'message.received',
      payload: (at) => ({
        ...generatePayload('message.received'),
        id: link.messageId,
        chatId: groupId,
        from: { id: groupId },
        sender: author,
        isGroup: true,
        fromMe: false,
        timestamp: at,
      }),
    },
    {
      event: 'message.reaction',
      payload: (at) => ({ ...generatePayload('message.reaction'), ...link, sender: reactor, timestamp: at }),
    },
    {
      event: 'message.edited',
      payload: (at) => ({ ...generatePayload('message.edited'), ...link, sender: author, timestamp: at }),
    },
    {
      event: 'message.revoked',
      payload: (at) => ({
        ...generatePayload('message.revoked'),
        ...link,
        sender: author,
        revokedBy: author,
        timestamp: at,
      }),
    },
  ];
}

function sessionPairing(): ScenarioStep[] {
  const account = freshContact().ref;
  return [
    {
      event: 'session.status',
      payload: () => ({ status: 'CONNECTING', statusReason: 'SCAN_QR', previousStatus: null }),
    },
    {
      event: 'session.qr',
      payload: (at) => {
        const qr = generatePayload('session.qr');
        return { ...qr, attempt: 1, expiresAt: at + qr.ttlSeconds };
      },
    },
    {
      event: 'session.status',
      payload: () => ({ status: 'CONNECTED', statusReason: null, previousStatus: 'CONNECTING' }),
    },
    {
      event: 'session.connected',
      payload: () => ({
        ...generatePayload('session.connected'),
        phoneNumber: account.phoneNumber!,
        lid: account.lid!,
      }),
    },
  ];
}

function sessionLogout(): ScenarioStep[] {
  const account = freshContact().ref;
  return [
    {
      event: 'session.status',
      payload: () => ({ status: 'DISCONNECTED', statusReason: 'LOGGED_OUT', previousStatus: 'CONNECTED' }),
    },
    {
      event: 'session.logged_out',
      payload: () => ({
        ...generatePayload('session.logged_out'),
        phoneNumber: account.phoneNumber!,
        lid: account.lid!,
      }),
    },
  ];
}

function groupLifecycle(): ScenarioStep[] {
  const groupId = freshGroupId();
  const admin = freshContact().ref;
  const member = freshContact().ref;
  const participant =
    (action: GroupParticipantPayload['action']) =>
    (at: number): GroupParticipantPayload => ({
      ...generatePayload('group.participant'),
      groupId,
      action,
      participants: [member],
      author: admin,
      timestamp: at,
    });
  return [
    {
      event: 'group.update',
      payload: (at) => ({ ...generatePayload('group.update'), groupId, author: admin, timestamp: at }),
    },
    { event: 'group.participant', payload: participant('add') },
    { event: 'group.participant', payload: participant('promote') },
    { event: 'group.participant', payload: participant('remove') },
  ];
}

function callMissed(): ScenarioStep[] {
  const callId = freshCallId();
  const caller = freshContact().ref;
  return [
    {
      event: 'call.received',
      payload: (at) => ({ ...generatePayload('call.received'), callId, from: caller, timestamp: at }),
    },
    {
      event: 'call.missed',
      payload: (at) => ({ ...generatePayload('call.missed'), callId, from: caller, timestamp: at }),
    },
  ];
}

function commandAsync(): ScenarioStep[] {
  const correlationId = freshCorrelationId();
  return [
    {
      event: 'command.result',
      payload: () => ({ correlationId, success: true, result: { id: freshMessageId(), status: 'sent' } }),
    },
  ];
}

export const SCENARIOS: readonly Scenario[] = [
  defineScenario(
    'message.outbound',
    'A message sent through the API, then acknowledged as sent, delivered and read by the contact.',
    messageOutbound,
  ),
  defineScenario(
    'message.inbound',
    'A message received in a group, then reacted to by another member, edited and deleted for everyone by its author.',
    messageInbound,
  ),
  defineScenario('session.pairing', 'A session waiting for its QR code to be scanned, then connected.', sessionPairing),
  defineScenario(
    'session.logout',
    'A connected session whose device is unlinked from the WhatsApp account.',
    sessionLogout,
  ),
  defineScenario(
    'group.lifecycle',
    'A group renamed by its admin, who then adds a member, promotes them to admin and removes them.',
    groupLifecycle,
  ),
  defineScenario('call.missed', 'A voice call that rings and is not answered.', callMissed),
  defineScenario(
    'command.async',
    'The result of an operation sent with Prefer: respond-async: here a message that was sent.',
    commandAsync,
  ),
];

/** The scenario named `name`, if there is one. */
export const findScenario = (name: string): Scenario | undefined =>
  SCENARIOS.find((scenario) => scenario.name === name);
