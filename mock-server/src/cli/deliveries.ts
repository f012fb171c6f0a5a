/** `titan-mock-server deliveries`: the account's deliveries as a table or JSON lines, or followed as they settle. */
import type { EventName } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFilter, DeliveryStatus } from '@titan-webhooks/sdk/mock';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Connection, type ConnectionFlags, UsageError, withConnectionOptions } from './connection.js';

interface DeliveriesFlags extends ConnectionFlags {
  webhook?: number;
  event?: string;
  status?: DeliveryStatus;
  follow?: boolean;
  json?: boolean;
}

const STATUSES: DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'cancelled'];
/** How often --follow asks the server for news. */
const FOLLOW_INTERVAL_MS = 500;

const webhookId = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('a webhook id is a positive whole number');
  return Number(value);
};

/** Fixed widths, so that --follow can print rows as they come under the same header. */
const COLUMNS = [
  ['ID', 36],
  ['WEBHOOK', 7],
  ['EVENT', 20],
  ['STATUS', 9],
  ['ATTEMPTS', 8],
  ['STARTED', 24],
  ['LAST', 0],
] as const;

const row = (cells: readonly string[]) =>
  `${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(COLUMNS[i]![1]))).join('  ')}\n`;

/** The latest attempt's outcome: its status code, its error, or that it is still on the wire. */
function lastOutcome({ attempts }: Delivery): string {
  const last = attempts.at(-1);
  if (last === undefined) return '-';
  if (last.error !== null) return last.error;
  if (last.statusCode !== null) return `HTTP ${last.statusCode} in ${last.durationMs} ms`;
  return 'in flight';
}

function tableRow(delivery: Delivery): string {
  return row([
    delivery.id,
    String(delivery.webhookId),
    delivery.event,
    delivery.status,
    String(delivery.attempts.length),
    delivery.attempts[0]?.startedAt ?? '-',
    lastOutcome(delivery),
  ]);
}

export function registerDeliveries(program: Command): void {
  withConnectionOptions(program.command('deliveries').description("list the account's deliveries, oldest first"))
    .option('--webhook <id>', 'only deliveries to this webhook', webhookId)
    .option('--event <name>', 'only deliveries of this event')
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(STATUSES))
    .option('--follow', 'keep running and print each delivery once it settles, like tail -f')
    .option('--json', 'one JSON object a line instead of a table')
    .action(async (flags: DeliveriesFlags) => {
      const connection = new Connection(flags);
      if (flags.follow && flags.status === 'pending') {
        throw new UsageError('--follow prints deliveries as they settle, so --status pending would never print one');
      }
      const filter: DeliveryFilter = {
        ...(flags.webhook === undefined ? {} : { webhookId: flags.webhook }),
        ...(flags.event === undefined ? {} : { event: flags.event as EventName }),
        ...(flags.status === undefined ? {} : { status: flags.status }),
      };
      const control = connection.control();
      // The header comes with the first answer, so that an error leaves stdout empty.
      let headed = Boolean(flags.json);
      const print = (delivery: Delivery) => {
        if (!headed) process.stdout.write(row(COLUMNS.map(([title]) => title)));
        headed = true;
        process.stdout.write(flags.json ? `${JSON.stringify(delivery)}\n` : tableRow(delivery));
      };
      if (!flags.follow) {
        const list = await control.deliveries(filter);
        if (list.length === 0 && !flags.json) process.stdout.write('no deliveries\n');
        for (const delivery of list) print(delivery);
        return;
      }
      await follow(() => control.deliveries(filter), print);
    });
}

/** Polls until an error ends it (or the process is stopped), printing each delivery once, when it settles. */
async function follow(list: () => Promise<Delivery[]>, print: (delivery: Delivery) => void): Promise<never> {
  const printed = new Set<string>();
  for (;;) {
    for (const delivery of await list()) {
      if (delivery.status === 'pending' || printed.has(delivery.id)) continue;
      printed.add(delivery.id);
      print(delivery);
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}
