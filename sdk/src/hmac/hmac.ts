/** The contract both HMAC back ends implement; package.json "imports" picks one per runtime. */
export type BinaryLike = string | Uint8Array;

/** HMAC-SHA256 of `data` keyed with `key` (UTF-8). */
export type HmacSha256 = (key: string, data: BinaryLike) => Promise<Uint8Array>;

/**
 * Whether `hexDigest` (64 hex digits, either case) is the HMAC-SHA256 of `data` under `key`,
 * compared in constant time. Hex rather than bytes because that is what the signature header carries
 * and what node:crypto digests fastest. Never rejects: malformed hex or an unusable key compares as
 * not equal, so verifiers need no catch on their hot path.
 */
export type HmacSha256Equals = (key: string, data: BinaryLike, hexDigest: string) => Promise<boolean>;
