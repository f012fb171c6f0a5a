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
    const connection = new Connection(flags);
    const created = await connection.request<{ id: string; webhookId: number }>(
      'POST',
      `/_mock/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
    );
    process.stdout.write(`${created.id} -> webhook ${created.webhookId}\n`);
  });
}
