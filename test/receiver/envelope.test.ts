import { constructEvent, type VerificationErrorCode, WebhookVerificationError } from '@titan-webhooks/receiver';
import { buildTestDelivery, createEvent, signPayload } from '@titan-webhooks/sdk';

const KEY = 'envelope-key-0123456789';

async function codeOf(
  body: string,
  options?: Parameters<typeof constructEvent>[3],
): Promise<VerificationErrorCode | 'ok'> {
  try {
    await constructEvent(body, await signPayload(body, KEY), KEY, options);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).code;
  }
}

const valid = createEvent('session.status', undefined, { id: 'evt_1', timestamp: '2025-01-15T10:30:00Z' });
const withField = (changes: Record<string, unknown>) => JSON.stringify({ ...valid, ...changes });

describe('constructEvent checks the envelope of a verified body', () => {
  test('a delivery built by the SDK comes back as the same typed event', async () => {
    const delivery = await buildTestDelivery('message.received', undefined, { hmacKey: KEY });
    const event = await constructEvent(delivery.body, delivery.headers['x-webhook-signature'], KEY);
    expect(event).toEqual(delivery.event);
    if (event.event === 'message.received') expect(event.payload.from).toEqual(delivery.event.payload.from);
  });

  test.each([
    ['not JSON', '{"id": ', 'invalid_json'],
    ['a control character', '\u0000', 'invalid_json'],
    ['an array', '[]', 'invalid_envelope'],
    ['null', 'null', 'invalid_envelope'],
    ['an unknown event', withField({ event: 'message.recieved' }), 'unknown_event'],
    ['an id without evt_', withField({ id: '123' }), 'invalid_envelope'],
    ['a numeric session', withField({ session: 7 }), 'invalid_envelope'],
    ['a timestamp that is not ISO 8601', withField({ timestamp: 'March 7' }), 'invalid_envelope'],
    ['an impossible date', withField({ timestamp: '2025-13-45T99:00:00Z' }), 'invalid_envelope'],
    ['a payload array', withField({ payload: [] }), 'invalid_envelope'],
    ['no payload', withField({ payload: undefined }), 'invalid_envelope'],
  ])('%s is %s', async (_name, body, code) => {
    expect(await codeOf(body)).toBe(code);
  });

  test('invalid UTF-8 bytes are invalid_json, not garbled text', async () => {
    const body = Uint8Array.from([0x7b, 0xff, 0x7d]);
    const error = await constructEvent(body, await signPayload(body, KEY), KEY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_json', status: 400 });
  });

  test('the vendor form {event: command.result, session, data} gives data as payload and a stable id', async () => {
    const data = { correlationId: 'cmd-abc123', success: true, result: { messageId: 'm1' } };
    const body = JSON.stringify({ event: 'command.result', session: 'sales', data });
    const now = new Date('2025-02-01T00:00:00Z');
    const event = await constructEvent(body, await signPayload(body, KEY), KEY, { now, toleranceSeconds: 1 });
    expect(event).toEqual({
      id: 'evt_command_cmd-abc123',
      event: 'command.result',
      session: 'sales',
      timestamp: now.toISOString(),
      payload: data,
    });
    // The same result re-sent later gets the same id, so dedupe catches it.
    expect((await constructEvent(body, await signPayload(body, KEY), KEY)).id).toBe(event.id);
  });

  test('the data form needs an object with a correlationId', async () => {
    expect(await codeOf(JSON.stringify({ event: 'command.result', session: 's', data: { success: true } }))).toBe(
      'invalid_envelope',
    );
    expect(await codeOf(JSON.stringify({ event: 'command.result', session: 's', data: 'x' }))).toBe('invalid_envelope');
    expect(await codeOf(JSON.stringify({ event: 'message.sent', session: 's', data: { correlationId: 'c' } }))).toBe(
      'invalid_envelope',
    );
  });
});

describe('toleranceSeconds', () => {
  const at = (iso: string) => new Date(iso);

  test('accepts a timestamp within the tolerance either side of now, refuses one outside', async () => {
    const body = withField({ timestamp: '2025-01-15T10:30:00.000Z' });
    expect(await codeOf(body, { toleranceSeconds: 300, now: at('2025-01-15T10:35:00Z') })).toBe('ok');
    expect(await codeOf(body, { toleranceSeconds: 300, now: at('2025-01-15T10:25:00Z') })).toBe('ok');
    expect(await codeOf(body, { toleranceSeconds: 300, now: at('2025-01-15T10:35:01Z') })).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(await codeOf(body, { toleranceSeconds: 300, now: at('2025-01-15T10:24:59Z') })).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  test('without toleranceSeconds any age is accepted', async () => {
    expect(await codeOf(withField({ timestamp: '2001-01-01T00:00:00Z' }))).toBe('ok');
  });

  test('the signature is checked before the timestamp', async () => {
    const body = withField({ timestamp: '2001-01-01T00:00:00Z' });
    const error = await constructEvent(body, `sha256=${'0'.repeat(64)}`, KEY, { toleranceSeconds: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'signature_mismatch' });
  });
});

describe('edge cases found in review', () => {
  test('a day that does not exist is not a timestamp', async () => {
    expect(await codeOf(withField({ timestamp: '2026-02-30T00:00:00Z' }))).toBe('invalid_envelope');
    expect(await codeOf(withField({ timestamp: '2028-02-29T00:00:00Z' }))).toBe('ok');
  });

  test('a BOM gets the same answer whether the body is bytes or a string', async () => {
    const body = `\uFEFF${JSON.stringify(valid)}`;
    const signature = await signPayload(body, KEY);
    const asBytes = await constructEvent(new TextEncoder().encode(body), signature, KEY).catch(
      (e: WebhookVerificationError) => e.code,
    );
    const asString = await constructEvent(body, signature, KEY).catch((e: WebhookVerificationError) => e.code);
    expect([asBytes, asString]).toEqual(['invalid_json', 'invalid_json']);
  });

  test('a key list that throws when read is a mismatch, never another error', async () => {
    const hostile = new Proxy([] as string[], {
      get: () => {
        throw new Error('boom');
      },
    });
    const body = JSON.stringify(valid);
    const error = await constructEvent(body, await signPayload(body, KEY), hostile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe('signature_mismatch');
  });
});
