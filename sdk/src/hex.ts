const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!;
  return out;
}

// Char code -> nibble value, -1 for anything that is not a hex digit (either case).
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE[HEX.charCodeAt(i)] = i;
  NIBBLE[HEX.toUpperCase().charCodeAt(i)] = i;
}

/** Whether `hex` is made only of hex digits (either case), checked without allocating. */
export function isHex(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if ((NIBBLE[hex.charCodeAt(i)] ?? -1) < 0) return false;
  return true;
}

/**
 * The bytes of the even-length hex string `hex` (either case), or null if it is not hex. One pass
 * with a lookup table: the Web Crypto verifier calls this per delivery.
 */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0, j = 0; i < bytes.length; i++, j += 2) {
    const high = NIBBLE[hex.charCodeAt(j)] ?? -1;
    const low = NIBBLE[hex.charCodeAt(j + 1)] ?? -1;
    if ((high | low) < 0) return null;
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}
