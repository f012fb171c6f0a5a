import { type MockServer, type MockServerOptions, startMockServer } from '@titan-webhooks/mock-server';
import { type StoreKind, tempDataFile } from './delivery-engine.js';

/** startMockServer over the given store: in memory, or a fresh temporary --data file removed on close. */
export async function startMockServerWith(kind: StoreKind, options: MockServerOptions = {}): Promise<MockServer> {
  const data = kind === 'sqlite' ? tempDataFile() : undefined;
  const mock = await startMockServer({ port: 0, ...options, dataFile: data?.file });
  return {
    ...mock,
    async close() {
      await mock.close();
      data?.remove();
    },
  };
}
