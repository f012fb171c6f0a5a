/** `titan-mock-server emit <event>`: one event to the account's matching webhooks. */
import { readFile } from 'node:fs/promises';
import { EVENT_NAMES, type EventName } from '@titan-webhooks/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { Connection, type ConnectionFlags, UsageError, withConnectionOptions } from './connection.js';

interface EmitFlags extends ConnectionFlags {
  payload?: string;
  session?: string;
  duplicates?: number;
}

const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a whole number is expected');
  return Number(value);
};

async function readPayload(source: string): Promise<unknown> {
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --payload ${source}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload ${source === '-' ? '(stdin)' : source} is not JSON: ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

export function registerEmit(program: Command): void {
  withConnectionOptions(
    program
      .command('emit')
      .description("emit an event to the account's matching webhooks; without --payload a realistic one is generated")
      .argument('<event>', 'an event name, e.g. message.received'),
  )
    .option('--payload <file>', "the event's payload as JSON, from a file or - for stdin")
    .option('--session <name>', 'the session the event comes from (default: default)')
    .option('--duplicates <n>', 'extra deliveries of the same event to each matching webhook', wholeNumber)
    .action(async (event: string, flags: EmitFlags) => {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) {
        throw new UsageError(`unknown event ${JSON.stringify(event)}; one of: ${EVENT_NAMES.join(', ')}`);
      }
      const connection = new Connection(flags);
      const payload = flags.payload === undefined ? undefined : await readPayload(flags.payload);
      const faults = flags.duplicates === undefined ? undefined : { duplicates: flags.duplicates };
      const result = await connection.control().emit(event as EventName, payload as never, flags.session, { faults });
      const { id, session } = result.event;
      const count = result.deliveries.length;
      process.stdout.write(
        `${id} ${event} (session ${session}): ${count} ${count === 1 ? 'delivery' : 'deliveries'}\n`,
      );
      for (const delivery of result.deliveries)
        process.stdout.write(`  ${delivery.id} -> webhook ${delivery.webhookId}\n`);
    });
}
