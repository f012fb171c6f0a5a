import type { ClaimResult, DedupeStore } from './dedupe.js';

/** What the store needs of a connection: a node-redis (v4 or v5) client, connected or not. */
export interface RedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  readonly isOpen?: boolean;
  connect?(): Promise<unknown>;
}

export type RedisConnection = { client: RedisClientLike; url?: never } | { url: string; client?: never };

export interface RedisDedupeStoreOptions {
  /** Prefix of every key; default `titan-webhooks:event:`. */
  prefix?: string;
}

/** A DedupeStore shared by every process that uses the same Redis; `close()` ends a client it opened itself. */
export interface RedisDedupeStore extends DedupeStore {
  close(): Promise<void>;
}

const DEFAULT_PREFIX = 'titan-webhooks:event:';

/** A client this store opened: node-redis v5 closes with close(), v4 with quit(). */
type OwnedClient = RedisClientLike & { close?(): Promise<unknown>; quit?(): Promise<unknown> };

// One round trip, atomic on the server: the state of a live key, or a new claim with its lease.
const CLAIM = `local state = redis.call('GET', KEYS[1])
if state then return state end
redis.call('SET', KEYS[1], 'in_progress', 'PX', ARGV[1])
return 'claimed'`;

// Only a claim is released: a key already marked handled (by a delivery whose lease outlived ours) stays.
const RELEASE = `if redis.call('GET', KEYS[1]) == 'in_progress' then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Dedupe in Redis, for receivers running as several processes: one key per event id, holding
 * `in_progress` for the lease or `handled` for the TTL, and expiring on its own, so nothing needs
 * creating or cleaning.
 */
export function createRedisDedupeStore(
  connection: RedisConnection,
  options: RedisDedupeStoreOptions = {},
): RedisDedupeStore {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const owned = 'url' in connection && connection.url !== undefined;
  let client: Promise<OwnedClient> | undefined;

  function ready(): Promise<RedisClientLike> {
    client ??= (async () => {
      const redis = owned ? await openClient(connection.url as string) : (connection.client as RedisClientLike);
      if (redis.isOpen === false) await redis.connect?.();
      return redis;
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  }

  const milliseconds = (seconds: number) => String(Math.max(1, Math.round(seconds * 1000)));

  return {
    async claim(id: string, leaseSeconds: number): Promise<ClaimResult> {
      const redis = await ready();
      return (await redis.sendCommand(['EVAL', CLAIM, '1', prefix + id, milliseconds(leaseSeconds)])) as ClaimResult;
    },

    async complete(id: string, ttlSeconds: number): Promise<void> {
      const redis = await ready();
      await redis.sendCommand(['SET', prefix + id, 'handled', 'PX', milliseconds(ttlSeconds)]);
    },

    async release(id: string): Promise<void> {
      const redis = await ready();
      await redis.sendCommand(['EVAL', RELEASE, '1', prefix + id]);
    },

    async close(): Promise<void> {
      if (!owned || client === undefined) return;
      const redis = await client.catch(() => undefined);
      client = undefined;
      await (redis?.close ?? redis?.quit)?.call(redis);
    },
  };
}

async function openClient(url: string): Promise<OwnedClient> {
  // Loaded only here, so a receiver that passes its own client needs nothing more than it has.
  const { createClient } = await import('redis');
  const redis = createClient({ url });
  // Without a listener, a dropped connection would be an uncaught 'error'; commands still reject on their own.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis as unknown as OwnedClient;
}
