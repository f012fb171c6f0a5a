/** Fresh identities for one run of a scenario: who takes part, in which chat, under which ids. */

import { randomInt } from 'node:crypto';
import { EVENT_EXAMPLES, type IndividualJIDRef } from '@titan-webhooks/sdk';
import { freshHexId } from '../api/event-payload.js';

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

export interface Contact {
  /** How payloads refer to the contact: by phone number, with the linked-device id Titan knows. */
  ref: IndividualJIDRef;
  /** The one-to-one chat with the contact. */
  chatId: string;
}

/** A Brazilian mobile number, as in the contract's examples, never seen before in this run. */
export function freshContact(): Contact {
  const number = `55119${digits(8)}`;
  return {
    ref: { phoneNumber: `+${number}`, lid: `${randomInt(1, 10)}${digits(13)}@lid`, mode: 'pn' },
    chatId: `${number}@s.whatsapp.net`,
  };
}

/** A group JID in the form of groups created today (`120363...@g.us`). */
export const freshGroupId = () => `120363${digits(12)}@g.us`;

/** A message id as WhatsApp Web makes them (`3EB0` and uppercase hex). */
export const freshMessageId = () => freshHexId(EVENT_EXAMPLES['message.sent'].id);

export const freshCallId = () => freshHexId(EVENT_EXAMPLES['call.received'].callId);

/** The id a `Prefer: respond-async` request answers with. */
export const freshCorrelationId = () => `cmd-${freshHexId('0123456789AB').toLowerCase()}`;
