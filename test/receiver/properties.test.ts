import { constructEvent, verifySignature, WebhookVerificationError } from '@titan-webhooks/receiver';
import { buildTestDelivery, signPayload } from '@titan-webhooks/sdk';
import fc from 'fast-check';

const body = fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 256 }));
const key = fc.string({ minLength: 1, maxLength: 80 });
const anySignature = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.stringMatching(/^(sha256=)?[0-9a-fA-F]{60,68}$/),
  fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
);
const anyKeys = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 }));
const bytesOf = (value: string | Uint8Array) => (typeof value === 'string' ? new TextEncoder().encode(value) : value);
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('properties', () => {
  test('a body signed with a key verifies; the same signature never verifies another body', async () => {
    await fc.assert(
      fc.asyncProperty(body, body, key, async (original, other, hmacKey) => {
        const signature = await signPayload(original, hmacKey);
        expect(await verifySignature(original, signature, hmacKey)).toBe(true);
        if (!sameBytes(bytesOf(original), bytesOf(other)))
          expect(await verifySignature(other, signature, hmacKey)).toBe(false);
      }),
    );
  });

  test('a mutated body, signature or key is never accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        key,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (bytes, hmacKey, at, flip) => {
          const signature = await signPayload(bytes, hmacKey);
          const mutatedBody = Uint8Array.from(bytes);
          mutatedBody[at % bytes.length]! ^= flip;
          expect(await verifySignature(mutatedBody, signature, hmacKey)).toBe(false);

          const hex = signature.slice('sha256='.length);
          const i = at % 64;
          const digit = ((parseInt(hex[i]!, 16) + (flip % 15) + 1) % 16).toString(16);
          expect(await verifySignature(bytes, `sha256=${hex.slice(0, i)}${digit}${hex.slice(i + 1)}`, hmacKey)).toBe(
            false,
          );

          const mutatedKey =
            hmacKey.slice(0, at % hmacKey.length) +
            String.fromCharCode(hmacKey.charCodeAt(at % hmacKey.length) ^ flip) +
            hmacKey.slice((at % hmacKey.length) + 1);
          if (mutatedKey !== hmacKey) expect(await verifySignature(bytes, signature, mutatedKey)).toBe(false);
        },
      ),
    );
  });

  test('verifySignature never throws and constructEvent throws only WebhookVerificationError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, fc.json()), anySignature, anyKeys, async (rawBody, signature, hmacKey) => {
        expect(typeof (await verifySignature(rawBody, signature, hmacKey))).toBe('boolean');
        await constructEvent(rawBody, signature, hmacKey).catch((error: unknown) => {
          expect(error).toBeInstanceOf(WebhookVerificationError);
        });
      }),
    );
  });

  test('untyped callers cannot make it throw either', async () => {
    const junk = fc.oneof(
      fc.anything(),
      fc.constant(Symbol('s')),
      fc.constant(() => 1),
    );
    await fc.assert(
      fc.asyncProperty(junk, junk, junk, async (rawBody, signature, hmacKey) => {
        const call = verifySignature as (...args: unknown[]) => Promise<boolean>;
        expect(await call(rawBody, signature, hmacKey)).toBe(false);
        await (constructEvent as (...args: unknown[]) => Promise<unknown>)(rawBody, signature, hmacKey).catch(
          (error: unknown) => {
            expect(error).toBeInstanceOf(WebhookVerificationError);
          },
        );
      }),
    );
  });

  test('a correctly signed body whose JSON is arbitrary gives an event or a 400-class error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json(), async (json) => {
        const error = await constructEvent(
          json,
          await signPayload(json, 'prop-key-0123456789'),
          'prop-key-0123456789',
        ).then(
          () => null,
          (e: unknown) => e,
        );
        if (error !== null) expect(error).toMatchObject({ status: 400 });
      }),
    );
  });

  test('any signed SDK delivery round-trips', async () => {
    const { EVENT_NAMES } = await import('@titan-webhooks/sdk');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EVENT_NAMES), key, async (name, hmacKey) => {
        const delivery = await buildTestDelivery(name, undefined, { hmacKey });
        expect(await constructEvent(delivery.body, delivery.headers['x-webhook-signature'], [hmacKey])).toEqual(
          delivery.event,
        );
      }),
      { numRuns: 50 },
    );
  });
});
