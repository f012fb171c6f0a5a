#!/usr/bin/env node
/** `titan-mock-server` (and the root `npm start`): flags, environment, one JSON line on stdout, graceful stop. */
import { VERSION } from '@titan-webhooks/sdk';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CLIENT_COMMANDS_HELP, isClientCommand, runClientCommand } from './cli/index.js';
import { announceLocalServer } from './cli/local-servers.js';
import {
  ConfigError,
  DEFAULT_DELIVERY_TIMEOUT_SECONDS,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RETAIN_DELIVERIES,
  type LogFormat,
  type LogLevel,
  type MockServerOptions,
} from './config.js';
import type { MockServer } from './server.js';

/** Invalid flag or environment values exit with 2, the usual code for usage errors. */
const USAGE_ERROR = 2;

type Parser<T> = (value: string) => T;

const integer: Parser<number> = (value) => {
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${JSON.stringify(value)} is not a whole number`);
  return Number(value);
};
const number: Parser<number> = (value) => {
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new ConfigError(`${JSON.stringify(value)} is not a number`);
  return parsed;
};
const boolean: Parser<boolean> = (value) => {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no|)$/i.test(value)) return false;
  throw new ConfigError(`${JSON.stringify(value)} is not 1 or 0`);
};
const tokenList: Parser<string[]> = (value) =>
  value
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);

/** Commander reports a parser's message as part of its own "option ... is invalid" line. */
const flag =
  <T>(parse: Parser<T>) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };

/** The TITAN_MOCK_* variables; flags given on the command line win over them. */
function fromEnvironment(env: NodeJS.ProcessEnv): MockServerOptions {
  const options: MockServerOptions = {};
  const read = <T>(name: string, parse: Parser<T>, apply: (value: T) => void) => {
    const value = env[name];
    if (value === undefined) return;
    try {
      apply(parse(value));
    } catch (error) {
      throw new ConfigError(`environment variable ${name}: ${(error as Error).message}`);
    }
  };
  read('TITAN_MOCK_PORT', integer, (v) => (options.port = v));
  read('TITAN_MOCK_HOST', String, (v) => (options.host = v));
  read('TITAN_MOCK_TOKENS', tokenList, (v) => (options.tokens = v));
  read('TITAN_MOCK_ALLOW_PRIVATE_URLS', boolean, (v) => (options.allowPrivateUrls = v));
  read('TITAN_MOCK_TIME_SCALE', number, (v) => (options.timeScale = v));
  read('TITAN_MOCK_DELIVERY_TIMEOUT', number, (v) => (options.deliveryTimeout = v));
  read('TITAN_MOCK_LOG_LEVEL', String, (v) => (options.logLevel = v as LogLevel));
  read('TITAN_MOCK_LOG_FORMAT', String, (v) => (options.logFormat = v as LogFormat));
  read('TITAN_MOCK_CONFIG', String, (v) => (options.config = v));
  read('TITAN_MOCK_DATA', String, (v) => (options.dataFile = v));
  read('TITAN_MOCK_RETAIN_DELIVERIES', integer, (v) => (options.retainDeliveries = v));
  return options;
}

function parseArguments(argv: string[]): MockServerOptions {
  const program = new Command('titan-mock-server')
    .description('A local Titan webhooks API that delivers signed events with retries, plus a control API for tests.')
    .option(
      '--port <port>',
      `port to listen on, 0 for any free port (default ${DEFAULT_PORT}; env TITAN_MOCK_PORT)`,
      flag(integer),
    )
    .option('--host <host>', `address to listen on (default ${DEFAULT_HOST}; env TITAN_MOCK_HOST)`)
    .option(
      '--token <token>',
      'an API token, its own account with scope *; repeat for more accounts (default one random titan_dev_... token; env TITAN_MOCK_TOKENS, comma-separated)',
      (value: string, previous: string[] = []) => [...previous, ...flag(tokenList)(value)],
    )
    .option(
      '--allow-private-urls',
      'allow http and private, loopback and local URLs, for local receivers (env TITAN_MOCK_ALLOW_PRIVATE_URLS=1)',
    )
    .option(
      '--time-scale <factor>',
      'multiply every retry wait, 0.01 turns 5 s into 50 ms (default 1; env TITAN_MOCK_TIME_SCALE)',
      flag(number),
    )
    .option(
      '--delivery-timeout <seconds>',
      `seconds per delivery attempt (default ${DEFAULT_DELIVERY_TIMEOUT_SECONDS}; env TITAN_MOCK_DELIVERY_TIMEOUT)`,
      flag(number),
    )
    .option('--log-level <level>', 'pino log level of the logs on stderr (default info; env TITAN_MOCK_LOG_LEVEL)')
    .option(
      '--log-format <format>',
      'pretty or json (default pretty when stderr is a terminal, else json; env TITAN_MOCK_LOG_FORMAT)',
    )
    .option('--config <file>', 'JSON or YAML file of tokens and webhooks to set up at start (env TITAN_MOCK_CONFIG)')
    .option(
      '--data <file>',
      'keep webhooks, deliveries and the development token in this SQLite file across restarts, created when missing (default: in memory; env TITAN_MOCK_DATA)',
    )
    .option(
      '--retain-deliveries <n>',
      `deliveries kept per account; past it the oldest settled ones are forgotten (default ${DEFAULT_RETAIN_DELIVERIES}; env TITAN_MOCK_RETAIN_DELIVERIES)`,
      flag(integer),
    )
    .version(VERSION)
    .addHelpText('after', CLIENT_COMMANDS_HELP)
    .exitOverride();
  program.parse(argv);
  const flags = program.opts<{
    port?: number;
    host?: string;
    token?: string[];
    allowPrivateUrls?: boolean;
    timeScale?: number;
    deliveryTimeout?: number;
    logLevel?: LogLevel;
    logFormat?: LogFormat;
    config?: string;
    data?: string;
    retainDeliveries?: number;
  }>();
  const options: MockServerOptions = { logLevel: 'info', ...fromEnvironment(process.env) };
  if (flags.port !== undefined) options.port = flags.port;
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.token !== undefined) options.tokens = flags.token;
  if (flags.allowPrivateUrls) options.allowPrivateUrls = true;
  if (flags.timeScale !== undefined) options.timeScale = flags.timeScale;
  if (flags.deliveryTimeout !== undefined) options.deliveryTimeout = flags.deliveryTimeout;
  if (flags.logLevel !== undefined) options.logLevel = flags.logLevel;
  if (flags.logFormat !== undefined) options.logFormat = flags.logFormat;
  if (flags.config !== undefined) options.config = flags.config;
  if (flags.data !== undefined) options.dataFile = flags.data;
  if (flags.retainDeliveries !== undefined) options.retainDeliveries = flags.retainDeliveries;
  return options;
}

function stopOnSignals(server: MockServer, forget: () => void): void {
  let stopping = false;
  const stop = () => {
    // A second signal means "now": skip waiting for attempts on the wire.
    if (stopping) process.exit(1);
    stopping = true;
    forget();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`titan-mock-server: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  if (isClientCommand(process.argv)) process.exit(await runClientCommand(process.argv));
  // `titan-mock-server serve` is the server, as with no command.
  if (process.argv[2] === 'serve') process.argv.splice(2, 1);
  let server: MockServer;
  try {
    const options = parseArguments(process.argv);
    // Loaded only now: the client commands and --help start faster without Express, Ajv and undici.
    const { startMockServer } = await import('./server.js');
    server = await startMockServer(options);
  } catch (error) {
    // Commander has already printed its message (or the help, which exits 0).
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : USAGE_ERROR);
    if (error instanceof ConfigError) {
      process.stderr.write(`titan-mock-server: ${error.message}\n`);
      process.exit(USAGE_ERROR);
    }
    process.stderr.write(`titan-mock-server: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  stopOnSignals(server, announceLocalServer({ url: server.url, token: server.token, pid: process.pid }));
  process.stdout.write(
    `${JSON.stringify({ url: server.url, token: server.token, tokens: server.tokens, dashboard: server.dashboard })}\n`,
  );
}

void main();
