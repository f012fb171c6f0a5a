import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Alternative to method/body: a sequence of requests, repeated. */
  requests?: autocannon.Request[];
  connections?: number;
  durationSeconds?: number;
}

/** Requests per second that autocannon sustains against `url`; throws if any request failed. */
export async function requestsPerSecond(options: LoadOptions): Promise<number> {
  // autocannon sets Content-Length itself; a second one makes every request hang unanswered.
  const { 'content-length': _length, ...headers } = options.headers ?? {};
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers,
    body: options.body,
    requests: options.requests,
    connections: options.connections ?? 20,
    duration: options.durationSeconds ?? 4,
  });
  if (result.errors > 0 || result.non2xx > 0 || result['2xx'] === 0) {
    throw new Error(`load run had ${result.errors} errors, ${result.non2xx} non-2xx and ${result['2xx']} 2xx answers`);
  }
  return result.requests.average;
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
