/** What every client command shares: where the server is, its token, and how a request is made. */
import { TitanApiError, TitanNetworkError } from '@titan-webhooks/sdk';
import { createMockControl, type MockControl } from '@titan-webhooks/sdk/mock';
import { type Command, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../config.js';
import { findLocalServer } from './local-servers.js';

const DEFAULT_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

/** A bad argument the command line parser could not catch; exits with 2 like commander's own. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ConnectionFlags {
  url: string;
  token?: string;
}

export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'the running mock server').env('TITAN_MOCK_URL').default(DEFAULT_URL))
    .addOption(
      new Option('--token <token>', 'an API token of that server, as it printed at start').env('TITAN_MOCK_TOKEN'),
    );
}

export class Connection {
  readonly url: string;
  readonly token: string;

  constructor({ url, token }: ConnectionFlags) {
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url ${JSON.stringify(url)} is not a URL, e.g. ${DEFAULT_URL}`);
    }
    this.url = url.replace(/\/+$/, '');
    const found = token || findLocalServer(this.url)?.token;
    if (found === undefined) {
      throw new UsageError(
        `a token is required: give --token or set TITAN_MOCK_TOKEN (the server prints it at start); no server started with titan-mock-server on this machine answers at ${this.url}`,
      );
    }
    this.token = found;
  }

  /** The SDK's typed control client, for the calls it covers. */
  control(): MockControl {
    return createMockControl({ baseUrl: this.url, token: this.token, retry: false });
  }

  /**
   * A control API call by plain fetch, for endpoints the SDK's client does not cover (yet). Errors
   * are the SDK's own, so every command reports them alike.
   */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new TitanNetworkError(`${method} ${this.url}${path} failed: ${reason}`, { cause: error, timedOut: false });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: TitanApiError shows the start of the text.
    }
    if (!response.ok) throw new TitanApiError(response.status, parsed);
    return (parsed as { data: T }).data;
  }
}
