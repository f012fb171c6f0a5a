/** `titan-mock-server trigger <scenario>`: a scenario's events, in order, to the account's webhooks. */
import { type Command, Option } from 'commander';
import { Connection, type ConnectionFlags, withConnectionOptions } from './connection.js';

interface TriggerFlags extends ConnectionFlags {
  order?: 'natural' | 'reverse' | 'shuffle';
}

interface TriggerResult {
  events: { id: string; event: string }[];
  deliveries: { id: string; webhookId: number; eventId: string }[];
}

export function registerTrigger(program: Command): void {
  withConnectionOptions(
    program
      .command('trigger')
      .description('run a scenario: a realistic sequence of events sharing their ids, as Titan would send them')
      .argument('<scenario>', 'a scenario name, e.g. message.outbound'),
  )
    .addOption(
      new Option(
        '--order <order>',
        'the order the events are delivered in, to test receivers against reordering',
      ).choices(['natural', 'reverse', 'shuffle']),
    )
    .action(async (scenario: string, flags: TriggerFlags) => {
      const connection = new Connection(flags);
      const result = await connection.request<TriggerResult>(
        'POST',
        `/_mock/scenarios/${encodeURIComponent(scenario)}`,
        flags.order === undefined ? {} : { order: flags.order },
      );
      for (const event of result.events) {
        const deliveries = result.deliveries.filter((d) => d.eventId === event.id);
        const targets = deliveries.map((d) => `${d.id} -> webhook ${d.webhookId}`).join(', ');
        process.stdout.write(`${event.id} ${event.event}: ${targets || 'no webhook subscribed'}\n`);
      }
    });
}
