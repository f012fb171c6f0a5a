/**
 * A dns.lookup that refuses disallowed addresses, for net/tls.connect's `lookup` option.
 * It runs on every connection, so a name that resolved to a public address at create time
 * and now resolves to a private one (DNS rebinding) is refused before any packet is sent.
 */
import dns from 'node:dns';
import { addressRefusal } from './address-policy.js';
import { SsrfBlockedError } from './blocked-error.js';

type Lookup = typeof dns.lookup;
/** The widest form of dns.lookup's callback: one address and its family, or (with `all: true`) a list. */
type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

export function createGuardedLookup(options: { allowPrivateUrls: boolean; lookup?: Lookup }): Lookup {
  const lookup = options.lookup ?? dns.lookup;
  if (options.allowPrivateUrls) return lookup;

  // dns.lookup takes (hostname, callback), (hostname, family, callback) or (hostname, options, callback);
  // net.connect passes options, with `all: true` when autoSelectFamily (Node's default) is on.
  function guardedLookup(
    hostname: string,
    familyOrOptions: number | dns.LookupOptions | LookupCallback,
    maybeCallback?: LookupCallback,
  ): void {
    const callback = (typeof familyOrOptions === 'function' ? familyOrOptions : maybeCallback) as LookupCallback;
    const lookupOptions = typeof familyOrOptions === 'function' ? {} : familyOrOptions;
    (lookup as (h: string, o: number | dns.LookupOptions, c: LookupCallback) => void)(
      hostname,
      lookupOptions,
      (error, result, family) => {
        if (error) {
          callback(error, result, family);
          return;
        }
        const addresses = Array.isArray(result) ? result.map((entry) => entry.address) : [result];
        for (const address of addresses) {
          const refusal = addressRefusal(address);
          if (refusal !== null) {
            callback(new SsrfBlockedError(address, refusal, hostname), result, family);
            return;
          }
        }
        callback(null, result, family);
      },
    );
  }
  return guardedLookup as Lookup;
}
