// biome-ignore lint/correctness/useImportExtensions: a JSON module is named by its own extension.
import vectors from '../vectors/signatures.json';

export interface ValidVector {
  name: string;
  body: Uint8Array;
  hmacKey: string;
  signature: string;
}

/** The shared signature vectors, bodies decoded to bytes. */
export const validVectors: ValidVector[] = vectors.valid.map((v) => ({
  name: v.name,
  body: new Uint8Array(Buffer.from(v.bodyBase64, 'base64')),
  hmacKey: v.hmacKey,
  signature: v.signature,
}));

/** Header forms for the body and key of validVectors[0]. */
export const headerForms = vectors.headerForms;
