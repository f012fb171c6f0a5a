import { Agent } from 'undici';
import { createGuardedConnector } from '../ssrf/index.js';

/** Connections per receiver origin: generous next to the per-webhook limit, yet bounded. */
const CONNECTIONS_PER_ORIGIN = 64;

/**
 * The engine's own dispatcher (never the global one): keep-alive, bounded connections per origin,
 * and the SSRF check on the resolved address of every new connection.
 */
export function createDeliveryAgent(options: { allowPrivateUrls: boolean; deliveryTimeoutMs: number }): Agent {
  return new Agent({
    connections: CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: 4_000,
    // The sender's own timer bounds the whole exchange; these are only backstops behind it.
    headersTimeout: options.deliveryTimeoutMs + 1_000,
    bodyTimeout: options.deliveryTimeoutMs + 1_000,
    connect: createGuardedConnector({
      allowPrivateUrls: options.allowPrivateUrls,
      timeoutMs: options.deliveryTimeoutMs,
    }),
  });
}
