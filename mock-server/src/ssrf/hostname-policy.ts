/**
 * Which DNS names a webhook URL may use: names that by convention
 * point into the local machine or network are refused before any lookup.
 */

/** Suffixes reserved for local use: RFC 6761 (localhost), RFC 6762 (mDNS), ICANN (internal), RFC 8375 (home.arpa). */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa'];

/**
 * Why the name `hostname` is refused, as a full message, or null when it may be used.
 * `hostname` is a WHATWG-parsed URL host (lower case, punycode) without trailing dots or empty labels.
 */
export function hostnameRefusal(hostname: string): string | null {
  const suffix = LOCAL_SUFFIXES.find((s) => hostname === s || hostname.endsWith(`.${s}`));
  if (suffix !== undefined) {
    return `url host ${hostname} is a local name (.${suffix}); use a public domain name`;
  }
  // A single label is completed by the resolver's search domains, so it names an intranet host.
  if (!hostname.includes('.')) {
    return `url host ${hostname} is a single-label name; use a fully qualified public domain name`;
  }
  return null;
}
