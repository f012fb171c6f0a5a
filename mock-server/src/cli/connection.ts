/** What every client command shares: where the server is, its token, and the client that calls it. */
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

  /** The SDK's typed control client, which every command calls. */
  control(): MockControl {
    return createMockControl({ baseUrl: this.url, token: this.token, retry: false });
  }
}
