import { createHmac } from 'node:crypto';
import { buildTestDelivery, EVENT_EXAMPLES, EVENT_NAMES, signPayload } from '@titan-webhooks/sdk';
import { DELIVERY_USER_AGENT, hmacSha256Equals } from '@titan-webhooks/sdk/internal';
import * as web from '../../sdk/src/hmac/web.js';
import { validVectors } from '../helpers/vectors.js';

describe('signPayload', () => {
  test.each(validVectors)('matches the shared vector: $name', async ({ body, hmacKey, signature }) => {
    expect(await signPayload(body, hmacKey)).toBe(signature);
  });

  test('an empty key is refused on every runtime (Web Crypto cannot use one)', async () => {
    await expect(signPayload('{}', '')).rejects.toThrow(TypeError);
  });

  test('a string body is signed as its UTF-8 bytes', async () => {
    const [vector] = validVectors.filter((v) => v.name === 'unicode body');
    expect(await signPayload(new TextDecoder().decode(vector!.body), vector!.hmacKey)).toBe(vector!.signature);
  });

  test.each(validVectors)(
    'the Web Crypto back end agrees with the vector: $name',
    async ({ body, hmacKey, signature }) => {
      const digest = Buffer.from(await web.hmacSha256(hmacKey, body)).toString('hex');
      expect(`sha256=${digest}`).toBe(signature);
      expect(await web.hmacSha256Equals(hmacKey, body, digest)).toBe(true);
      expect(await web.hmacSha256Equals(hmacKey, body, digest.toUpperCase())).toBe(true);
      expect(await web.hmacSha256Equals(`${hmacKey}x`, body, digest)).toBe(false);
      expect(await web.hmacSha256Equals(hmacKey, body, `${digest.slice(0, 63)}g`)).toBe(false);
    },
  );
});

describe('hmacSha256Equals (node:crypto back end)', () => {
  const [vector] = validVectors;
  const hex = vector!.signature.slice('sha256='.length);

  test.each([
    ['the digest', hex, true],
    ['the digest in uppercase', hex.toUpperCase(), true],
    ['another digest', hex.slice(0, 63) + (hex.endsWith('0') ? '1' : '0'), false],
    ['a non-hex last digit', `${hex.slice(0, 63)}g`, false],
    ['a non-hex first digit', `z${hex.slice(1)}`, false],
    ['one digit short', hex.slice(0, 63), false],
    ['one digit too many', `${hex}0`, false],
    ['nothing', '', false],
  ])('%s -> %s', async (_name, digest, expected) => {
    expect(await hmacSha256Equals(vector!.hmacKey, vector!.body, digest)).toBe(expected);
  });
});

describe('buildTestDelivery', () => {
  test('builds the exact body and headers Titan sends, signed with the key', async () => {
    const delivery = await buildTestDelivery('message.received', undefined, {
      hmacKey: 'test-key-0123456789',
      session: 'sales',
    });
    const parsed = JSON.parse(delivery.body);
    expect(parsed).toEqual(delivery.event);
    expect(parsed).toMatchObject({
      event: 'message.received',
      session: 'sales',
      payload: EVENT_EXAMPLES['message.received'],
    });
    expect(parsed.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(new Date(parsed.timestamp).toISOString()).toBe(parsed.timestamp);
    const expected = `sha256=${createHmac('sha256', 'test-key-0123456789').update(delivery.body).digest('hex')}`;
    expect(delivery.headers).toEqual({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(delivery.body)),
      'user-agent': DELIVERY_USER_AGENT,
      'x-webhook-event': 'message.received',
      'x-webhook-id': parsed.id,
      'x-webhook-delivery': expect.stringMatching(/^dlv_[0-9a-f]{32}$/),
      'x-webhook-attempt': '1',
      'x-webhook-signature': expected,
    });
  });

  test('without a key the delivery is unsigned; a given payload is used as is', async () => {
    const payload = { correlationId: 'cmd-abc123', success: true, result: { ok: 1 } };
    const delivery = await buildTestDelivery('command.result', payload, { id: 'evt_fixed', attempt: 3 });
    expect(delivery.headers['x-webhook-signature']).toBeUndefined();
    expect(delivery.headers['x-webhook-attempt']).toBe('3');
    expect(JSON.parse(delivery.body)).toMatchObject({ id: 'evt_fixed', payload });
  });

  test('has an example payload for each of the 31 events', () => {
    expect(EVENT_NAMES).toHaveLength(31);
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...EVENT_NAMES].sort());
  });
});
