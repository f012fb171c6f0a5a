/**
 * An undici connector that applies the SSRF address rules at connect time, on every connection.
 * Names are checked through the guarded lookup; IP-literal hosts never reach a lookup
 * (net.connect connects to them directly), so they are checked here before connecting.
 */
import type dns from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { addressRefusal } from './address-policy.js';
import { SsrfBlockedError } from './blocked-error.js';
import { createGuardedLookup } from './guarded-lookup.js';

export interface GuardedConnectorOptions {
  /** Lifts the checks: any address may be connected to. */
  allowPrivateUrls: boolean;
  /** The underlying resolver; defaults to dns.lookup. */
  lookup?: typeof dns.lookup;
  /** Connect (and TLS handshake) timeout; defaults to undici's 10 s. */
  timeoutMs?: number;
}

/** For `new Agent({ connect: createGuardedConnector(...) })`. */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({
    timeout: options.timeoutMs,
    lookup: createGuardedLookup({ allowPrivateUrls: options.allowPrivateUrls, lookup: options.lookup }),
  });
  if (options.allowPrivateUrls) return connect;

  return (connectOptions, callback) => {
    // undici passes IPv6 literals without their brackets.
    const { hostname } = connectOptions;
    const refusal = isIP(hostname) === 0 ? null : addressRefusal(hostname);
    if (refusal === null) {
      connect(connectOptions, callback);
      return;
    }
    // Asynchronously, as a real connection failure would be reported.
    queueMicrotask(() => callback(new SsrfBlockedError(hostname, refusal), null));
  };
}
