// sdk/src/hex.ts's fromHex is on the receiver's hot path (one call per delivery).
import { fromHex, toHex } from '@titan-webhooks/sdk/internal';
import fc from 'fast-check';

test('fromHex inverts toHex and reads either case', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(fromHex(toHex(bytes))).toEqual(bytes);
      expect(fromHex(toHex(bytes).toUpperCase())).toEqual(bytes);
    }),
  );
});

test.each(['0', 'abc', 'zz', '0g', 'g0', '@0', '`0', '/0', ':0', 'G0', ' 0', '0 ', '１２'])(
  'fromHex(%p) is null',
  (hex) => {
    expect(fromHex(hex)).toBeNull();
  },
);

test('fromHex reads every digit', () => {
  expect(Array.from(fromHex('0123456789abcdefABCDEF')!)).toEqual([
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef,
  ]);
});
