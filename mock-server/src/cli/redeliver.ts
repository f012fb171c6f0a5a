/** `titan-mock-server redeliver <delivery-id>`: the same event again, to its webhook as it is now. */
import type { Command } from 'commander';
import { Connection, type ConnectionFlags, withConnectionOptions } from './connection.js';

export function registerRedeliver(program: Command): void {
  withConnectionOptions(
    program
      .command('redeliver')
      .description('deliver the event of a delivery again, to its webhook, on a fresh retry schedule')
      .argument('<delivery-id>', 'the id of a delivery, dlv_...'),
  ).action(async (deliveryId: string, flags: ConnectionFlags) => {
    const created = await new Connection(flags).control().redeliver(deliveryId);
    process.stdout.write(`${created.id} -> webhook ${created.webhookId}\n`);
  });
}
