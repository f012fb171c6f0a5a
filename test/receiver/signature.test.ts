import { constructEvent, verifySignature, WebhookVerificationError } from '@titan-webhooks/receiver';
import { headerForms, validVectors } from '../helpers/vectors.js';

const [envelope] = validVectors;
const SIGNATURE_CODES = ['missing_signature', 'invalid_signature_format', 'signature_mismatch'];
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('verifySignature on the shared vectors', () => {
  test.each(validVectors)('accepts $name as bytes', async ({ body, hmacKey, signature }) => {
    expect(await verifySignature(body, signature, hmacKey)).toBe(true);
    expect(await verifySignature(Buffer.from(body), signature, hmacKey)).toBe(true);
  });

  test.each(validVectors.filter((v) => v.name !== 'non-UTF-8 bytes'))(
    'accepts $name as a string',
    async ({ body, hmacKey, signature }) => {
      expect(await verifySignature(text(body), signature, hmacKey)).toBe(true);
    },
  );

  test.each(validVectors)(
    'refuses $name under another key, or with one body byte changed',
    async ({ body, hmacKey, signature }) => {
      expect(await verifySignature(body, signature, `${hmacKey}x`)).toBe(false);
      const changed = Uint8Array.from(body.length === 0 ? [0x20] : body);
      changed[0] = changed[0]! ^ 1;
      expect(await verifySignature(changed, signature, hmacKey)).toBe(false);
    },
  );

  test.each(headerForms)('header form "$name" is accepted: $valid', async ({ signature, valid }) => {
    expect(await verifySignature(envelope!.body, signature, envelope!.hmacKey)).toBe(valid);
    expect(await verifySignature(text(envelope!.body), signature, envelope!.hmacKey)).toBe(valid);
  });

  test('a missing header is false, never a throw', async () => {
    expect(await verifySignature(envelope!.body, undefined, envelope!.hmacKey)).toBe(false);
    expect(await verifySignature(envelope!.body, null, envelope!.hmacKey)).toBe(false);
  });

  test('key rotation: any key of the list verifies; an empty list verifies nothing', async () => {
    const { body, hmacKey, signature } = envelope!;
    expect(await verifySignature(body, signature, ['the-new-key-0123456', hmacKey])).toBe(true);
    expect(await verifySignature(body, signature, [hmacKey, 'the-new-key-0123456'])).toBe(true);
    expect(await verifySignature(body, signature, ['the-new-key-0123456', 'another-key-0123456'])).toBe(false);
    expect(await verifySignature(body, signature, [])).toBe(false);
    expect(await verifySignature(body, signature, '')).toBe(false);
  });
});

describe('constructEvent on the shared vectors', () => {
  test.each(headerForms)(
    'header form "$name": event or signature error as the vector says',
    async ({ signature, valid }) => {
      const attempt = constructEvent(envelope!.body, signature, envelope!.hmacKey);
      if (valid) {
        await expect(attempt).resolves.toMatchObject({
          id: 'evt_abc123',
          event: 'message.received',
          session: 'my-session',
        });
      } else {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookVerificationError);
        expect(SIGNATURE_CODES).toContain((error as WebhookVerificationError).code);
      }
    },
  );

  test.each(validVectors)(
    '$name passes the signature check (what follows depends on the body)',
    async ({ body, hmacKey, signature }) => {
      const error = await constructEvent(body, signature, hmacKey).then(
        () => null,
        (e: unknown) => e,
      );
      if (error !== null) {
        expect(error).toBeInstanceOf(WebhookVerificationError);
        expect(['invalid_json', 'invalid_envelope']).toContain((error as WebhookVerificationError).code);
      }
    },
  );

  test('the envelope vectors parse to the same event from bytes and from a string', async () => {
    for (const vector of validVectors.filter((v) => v.name.includes('envelope'))) {
      const fromBytes = await constructEvent(vector.body, vector.signature, vector.hmacKey);
      expect(await constructEvent(text(vector.body), vector.signature, vector.hmacKey)).toEqual(fromBytes);
      expect(fromBytes).toEqual(JSON.parse(text(vector.body)));
    }
  });

  test.each([
    ['missing_signature', undefined, 401],
    ['missing_signature', '', 401],
    ['invalid_signature_format', 'sha1=abc', 401],
    ['signature_mismatch', `sha256=${'ab'.repeat(32)}`, 401],
  ] as const)('%s for %p', async (code, signature, status) => {
    const error = await constructEvent(envelope!.body, signature, envelope!.hmacKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ code, status, name: 'WebhookVerificationError' });
  });
});
