import { createEvent, EVENT_EXAMPLES, EVENT_NAMES } from '@titan-webhooks/sdk';
import { eventSchemaName } from '@titan-webhooks/sdk/internal';
import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'titan', components: titanOpenApiDocument.components } as object);
const validator = (name: string) => ajv.getSchema(`titan#/components/schemas/${name}`)!;

describe('the bundled contract', () => {
  test('lists the 31 event types of the API page, and a delivery for each', () => {
    expect(EVENT_NAMES).toHaveLength(31);
    expect(Object.keys(titanOpenApiDocument.webhooks).sort()).toEqual([...EVENT_NAMES].sort());
  });

  test.each([...EVENT_NAMES])('%s: the example payload and its envelope are valid', (event) => {
    const payload = validator(eventSchemaName(event, 'Payload'));
    expect(payload(EVENT_EXAMPLES[event])).toBe(true);
    const envelope = validator(eventSchemaName(event, 'Event'));
    expect(envelope(createEvent(event, undefined, { session: 'sales-1' }))).toBe(true);
  });

  test('an envelope whose payload belongs to another event is invalid', () => {
    const envelope = validator('SessionStatusEvent');
    expect(envelope({ ...createEvent('session.status'), payload: EVENT_EXAMPLES['message.received'] })).toBe(false);
  });

  test("the vendor's {event, session, data} form of command.result is not an envelope", () => {
    const envelope = validator('TitanEventEnvelope');
    expect(
      envelope({
        event: 'command.result',
        session: 'default',
        data: { correlationId: 'cmd-abc123', success: true, result: {} },
      }),
    ).toBe(false);
  });

  test('payloads are closed: an unknown field is invalid', () => {
    const payload = validator('MessageReceivedPayload');
    expect(payload({ ...EVENT_EXAMPLES['message.received'], surprise: 1 })).toBe(false);
  });
});
