/**
 * The client commands of `titan-mock-server`, which talk to a running server. The server itself
 * (`serve`, or no command) is parsed by cli.ts; this module only sees the argument lists it owns.
 */
import { TitanApiError, TitanError } from '@titan-webhooks/sdk';
import { Command, CommanderError } from 'commander';
import { UsageError } from './connection.js';
import { registerDeliveries } from './deliveries.js';
import { registerEmit } from './emit.js';
import { registerRedeliver } from './redeliver.js';
import { registerTrigger } from './trigger.js';

/** Exit codes: 0 done, 1 the server answered with an error or could not be reached, 2 bad usage. */
const API_ERROR = 1;
const USAGE_ERROR = 2;

/** For the server's --help: the commands it does not parse itself. */
export const CLIENT_COMMANDS_HELP = `
Commands for a running server (each takes --url, env TITAN_MOCK_URL, and --token, env TITAN_MOCK_TOKEN):
  emit <event> [--payload <file>|-] [--session <name>] [--duplicates <n>]
  deliveries [--webhook <id>] [--event <name>] [--status <status>] [--follow] [--json]
  trigger <scenario> [--order natural|reverse|shuffle]
  redeliver <delivery-id>
Run titan-mock-server <command> --help for details.`;

/**
 * Any first word but `serve` is for this module: a client command, or a typo that commander then
 * answers with "unknown command" and a suggestion. argv is as process.argv gives it: [node, script, ...].
 */
export const isClientCommand = (argv: readonly string[]) => {
  const first = argv[2];
  return first !== undefined && !first.startsWith('-') && first !== 'serve';
};

/** Runs the command and resolves with the process's exit code; messages go to stderr. */
export async function runClientCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('titan-mock-server').exitOverride();
  for (const register of [registerEmit, registerDeliveries, registerTrigger, registerRedeliver]) register(program);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help, which ends with exit code 0).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    const fail = (message: string, code: number) => {
      process.stderr.write(`titan-mock-server: ${message}\n`);
      return code;
    };
    if (error instanceof UsageError) return fail(error.message, USAGE_ERROR);
    if (error instanceof TitanApiError) return fail(`${error.message} (HTTP ${error.status} ${error.code})`, API_ERROR);
    // Network errors: the server is not there, or stopped answering.
    if (error instanceof TitanError) return fail(error.message, API_ERROR);
    throw error;
  }
}
