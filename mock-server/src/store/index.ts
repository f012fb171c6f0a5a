/** The mock server's state: in memory by default, in a SQLite file with `dataFile`. */
import type { Logger } from 'pino';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { MockStore } from './store.js';

export { DataFileError } from './sqlite-store.js';
export type { DeliveryPage, MockStore, NewDelivery, StoreChange, StoreListener } from './store.js';

export interface StoreOptions {
  /** A SQLite file, created when missing; without it the state lives in memory. */
  dataFile: string | undefined;
  retainDeliveries: number;
  logger: Logger;
  /** Bytes of recorded responses kept in memory; 32 MiB by default. */
  responseBudgetBytes?: number;
}

/** Throws DataFileError when the file cannot be used. */
export function openStore({ dataFile, logger, ...limits }: StoreOptions): MockStore {
  return dataFile === undefined ? new MemoryStore(limits) : new SqliteStore({ file: dataFile, logger, ...limits });
}
