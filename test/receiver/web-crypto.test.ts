// The same receiver, with the SDK's '#hmac' import answered by the Web Crypto back end (as on browsers
// and workers) instead of node:crypto: both must give the same answers on the shared vectors.
import { constructEvent, verifySignature } from '@titan-webhooks/receiver';
import { headerForms, validVectors } from '../helpers/vectors.js';

jest.mock('../../sdk/src/hmac/node.ts', () => jest.requireActual('../../sdk/src/hmac/web.ts'));

const [envelope] = validVectors;
let verify: jest.SpyInstance;
beforeEach(() => {
  verify = jest.spyOn(crypto.subtle, 'verify');
});
afterEach(() => verify.mockRestore());

test.each(validVectors)(
  'Web Crypto accepts $name and refuses it under another key',
  async ({ body, hmacKey, signature }) => {
    expect(await verifySignature(body, signature, hmacKey)).toBe(true);
    expect(await verifySignature(body, signature, `${hmacKey}x`)).toBe(false);
    // Proof that this file really runs the Web Crypto path.
    expect(verify).toHaveBeenCalledTimes(2);
  },
);

test.each(headerForms)('Web Crypto on header form "$name": $valid', async ({ signature, valid }) => {
  expect(await verifySignature(envelope!.body, signature, envelope!.hmacKey)).toBe(valid);
  const event = await constructEvent(envelope!.body, signature, envelope!.hmacKey).catch(() => null);
  expect(event !== null).toBe(valid);
});

test('Web Crypto with rotated keys', async () => {
  const { body, hmacKey, signature } = envelope!;
  expect(await verifySignature(body, signature, ['new-key-0123456789', hmacKey])).toBe(true);
  expect(await verifySignature(body, signature, ['new-key-0123456789'])).toBe(false);
});
