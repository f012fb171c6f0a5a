import { validationError } from './errors.js';

/** Items per page unless `limit` says otherwise (the contract allows 1 to 1000). */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Page cursors: the position after which the next page starts, opaque to clients (base64url), so
 * its form can change without breaking them.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`d${seq}`).toString('base64url');
}

/** The position a cursor stands for; 400 `validation_error` for anything this server did not give. */
export function decodeCursor(cursor: string): number {
  const match = /^d(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (match === null || encodeCursor(Number(match[1])) !== cursor) {
    throw validationError(
      [{ path: '/cursor', message: 'must be a nextCursor from an earlier page' }],
      'query is invalid',
    );
  }
  return Number(match[1]);
}
