/** The control API and the webhooks API, called with the page's token. */
import type { ErrorDetail } from '@titan-webhooks/sdk';

/** An answer in the API's error shape, or a network failure (status 0). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The message and the first detail, which usually names the field at fault. */
  describe(): string {
    const [detail] = this.details;
    return detail ? `${this.message}: ${detail.path} ${detail.message}` : this.message;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

/** `onUnauthorized` runs on a 401: the token was refused, so the page asks for another. */
export function createApi(token: string, onUnauthorized: () => void): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new RequestError(`the mock server did not answer (${(error as Error).message})`, 0, 'network_error');
    }
    const answer = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      const message = answer?.error ?? `${method} ${path} answered ${response.status}`;
      throw new RequestError(message, response.status, answer?.code ?? 'unknown', answer?.details);
    }
    return answer as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
  };
}

/** `?a=1&b=x` from the defined values, or an empty string. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
