import { TitanApiError } from './errors.js';

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The `data` of a successful `{data}` body; any other outcome throws TitanApiError. */
export async function unwrap<T>(call: Promise<FetchResult<{ data: T }>>): Promise<T> {
  // A 2xx body that is not JSON never gets here: the policy fetch throws TitanApiError for it.
  const result = await call;
  const { response } = result;
  if (!response.ok) throw new TitanApiError(response.status, result.error ?? '');
  const body = result.data;
  if (typeof body !== 'object' || body === null || !('data' in body)) {
    throw new TitanApiError(response.status, body ?? '');
  }
  return body.data;
}

/** The items and cursor of a successful page; any other outcome throws TitanApiError. */
export async function unwrapPage<T>(
  call: Promise<FetchResult<{ data: T[]; nextCursor: string | null }>>,
): Promise<{ data: T[]; nextCursor: string | null }> {
  const { response, data, error } = await call;
  if (!response.ok || data === undefined) throw new TitanApiError(response.status, error ?? '');
  return { data: data.data, nextCursor: data.nextCursor };
}
