/** `titan-mock-server trigger <scenario>`: a scenario's events, in order, to the account's webhooks. */
import type { ScenarioName, ScenarioOrder } from '@titan-webhooks/sdk/mock';
import { type Command, Option } from 'commander';
import { Connection, type ConnectionFlags, withConnectionOptions } from './connection.js';

interface TriggerFlags extends ConnectionFlags {
  order?: ScenarioOrder;
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
      // An unknown name is the server's to refuse: its 404 lists the scenarios it has.
      const result = await new Connection(flags)
        .control()
        .trigger(scenario as ScenarioName, flags.order === undefined ? {} : { order: flags.order });
      for (const event of result.events) {
        const deliveries = result.deliveries.filter((d) => d.eventId === event.id);
        const targets = deliveries.map((d) => `${d.id} -> webhook ${d.webhookId}`).join(', ');
        process.stdout.write(`${event.id} ${event.event}: ${targets || 'no webhook subscribed'}\n`);
      }
    });
}
