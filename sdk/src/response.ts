import { TitanApiError } from './errors.js';

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The `data` of a successful `{data}` body; any other outcome throws TitanApiError. */
export async function unwrap<T>(call: Promise<FetchResult<{ data: T }>>): Promise<T> {
  let result: FetchResult<{ data: T }>;
  try {
    result = await call;
  } catch (error) {
    // openapi-fetch throws SyntaxError for a 2xx body that is not JSON.
    if (error instanceof SyntaxError) throw new TitanApiError(200, `unreadable response body: ${error.message}`);
    throw error;
  }
  const { response } = result;
  if (!response.ok) throw new TitanApiError(response.status, result.error ?? '');
  const body = result.data;
  if (typeof body !== 'object' || body === null || !('data' in body)) {
    throw new TitanApiError(response.status, body ?? '');
  }
  return body.data;
}
