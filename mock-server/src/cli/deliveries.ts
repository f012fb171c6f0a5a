/** `titan-mock-server deliveries`: the account's deliveries as a table or JSON lines, or followed as they settle. */
import type { EventName } from '@titan-webhooks/sdk';
import { TitanNetworkError } from '@titan-webhooks/sdk';
import type { Delivery, DeliveryFilter, DeliveryStatus, MockControl } from '@titan-webhooks/sdk/mock';
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
/** --follow's waits before reconnecting to a lost stream: doubling from the first to the last. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

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
    .option('--follow', 'keep running and print each delivery once it settles, like tail -f (from the live stream)')
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
      await follow(control, filter, print, connection.url);
    });
}

const matches = (filter: DeliveryFilter, delivery: Delivery) =>
  (filter.webhookId === undefined || delivery.webhookId === filter.webhookId) &&
  (filter.event === undefined || delivery.event === filter.event) &&
  (filter.status === undefined || delivery.status === filter.status);

const say = (message: string) => process.stderr.write(`titan-mock-server: ${message}\n`);

/**
 * Prints each matching delivery once, when it settles: first those that already have, then each as
 * the live stream reports it. A stream that drops is reopened, waiting longer after each failure
 * (up to RECONNECT_MAX_MS), and what settled meanwhile is listed then. Only an error before the first
 * stream opened, or an answer refusing it (401, 429), ends it.
 */
async function follow(
  control: MockControl,
  filter: DeliveryFilter,
  print: (delivery: Delivery) => void,
  url: string,
): Promise<never> {
  const printed = new Set<string>();
  const show = (delivery: Delivery) => {
    if (delivery.status === 'pending' || printed.has(delivery.id) || !matches(filter, delivery)) return;
    printed.add(delivery.id);
    print(delivery);
  };
  let connected = false;
  let waitMs = RECONNECT_FIRST_MS;
  for (;;) {
    let reason = 'the server ended it';
    try {
      await followOnce(control, filter, show, () => {
        if (connected) say(`reconnected to ${url}`);
        connected = true;
        waitMs = RECONNECT_FIRST_MS;
      });
    } catch (error) {
      if (!connected || !(error instanceof TitanNetworkError)) throw error;
      reason = error.message;
    }
    say(`lost the live stream (${reason}); reconnecting in ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    waitMs = Math.min(waitMs * 2, RECONNECT_MAX_MS);
  }
}

/** One stream, to its end: opened first, so that nothing settles unseen between the list and it. */
async function followOnce(
  control: MockControl,
  filter: DeliveryFilter,
  show: (delivery: Delivery) => void,
  onOpen: () => void,
): Promise<void> {
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  // Closes the connection however this ends, even while a read is pending.
  const connection = new AbortController();
  const messages = control.stream({ onOpen: opened, signal: connection.signal })[Symbol.asyncIterator]();
  // Asking for the first message starts the request; it rejects if the stream cannot be opened.
  const first = messages.next();
  try {
    await Promise.race([open, first]);
    onOpen();
    for (const delivery of await control.deliveries(filter)) show(delivery);
    for (let next = await first; !next.done; next = await messages.next()) {
      if (next.value.type === 'delivery') show(next.value.data);
    }
  } finally {
    connection.abort();
  }
}
