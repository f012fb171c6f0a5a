// Compile-time checks of the mock control client's faults and scenarios, run by `npm run typecheck`:
// every @ts-expect-error must be an error.
import { createMockControl, type ScenarioName } from '@titan-webhooks/sdk/mock';

const mock = createMockControl({ baseUrl: 'http://127.0.0.1:4010', token: 'titan_dev' });

export async function mockControlTypeChecks(): Promise<void> {
  // The positional interface stays; faults go in the trailing options, with the request options.
  await mock.emit('chat.read', undefined, 'sales', {
    faults: { duplicates: 2, signature: 'invalid' },
    signal: undefined,
  });

  // @ts-expect-error not a signature mode
  await mock.emit('chat.read', undefined, undefined, { faults: { signature: 'forged' } });

  // @ts-expect-error faults are not a positional argument
  await mock.emit('chat.read', undefined, undefined, { duplicates: 2 });

  const names: ScenarioName[] = (await mock.scenarios()).map((scenario) => scenario.name);
  const run = await mock.trigger('message.outbound', { order: 'shuffle', faults: { delaySeconds: 5 } });
  const eventIds: string[] = run.deliveries.map((delivery) => delivery.eventId);

  // @ts-expect-error not a scenario name
  await mock.trigger('message.outgoing');

  // @ts-expect-error not an order
  await mock.trigger('call.missed', { order: 'random' });

  void names;
  void eventIds;
}
