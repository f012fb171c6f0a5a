/**
 * Which IP addresses the mock server may connect to.
 * Only what ipaddr.js classes as `unicast` is allowed; IPv6 forms that carry an IPv4
 * address are judged by that IPv4 address, since that is where the packets end up.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Words for ipaddr.js range names, so that API users read "a loopback address", not "loopback". */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified (this-network) address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved (special-purpose, documentation or benchmarking) address',
  uniqueLocal: 'a unique-local address',
};

/**
 * Why `address` may not be connected to, as a phrase to follow the address in a message
 * ("127.0.0.1, a loopback address"), or null when it is allowed.
 */
export function addressRefusal(address: string): string | null {
  // Node's strict isIP, not ipaddr.js's lenient parser: ipaddr.js also reads forms such as
  // "0177.0.0.1" or "127.1" whose meaning differs between parsers; net.connect treats those
  // as names and resolves them, and the resolved address is what gets checked.
  if (isIP(address) === 0) return 'not a valid IP address';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return rangeRefusal(parsed.range());
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.zoneId !== undefined) return 'an address with a zone id';
  // Local use only (RFC 8215), and its operator picks where the IPv4 address sits, so no reading
  // of it is safe: refused outright.
  if (ipv6.match(LOCAL_USE_NAT64)) return 'a local-use NAT64 address (64:ff9b:1::/48)';
  const carried = carriedIPv4(ipv6);
  if (carried !== null) {
    const refusal = rangeRefusal(carried.range());
    return refusal === null ? null : `which carries ${carried.toString()}, ${refusal}`;
  }
  return rangeRefusal(ipv6.range());
}

/** Whether one IP address (v4 or v6 string) may be connected to. */
export function isAllowedAddress(address: string): boolean {
  return addressRefusal(address) === null;
}

const LOCAL_USE_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number];

function rangeRefusal(range: string): string | null {
  if (range === 'unicast') return null;
  return RANGE_WORDS[range] ?? `a non-public address (${range})`;
}

/** The IPv4 address an IPv6 address stands for, when it is one of the embedding forms; else null. */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  const last32 = (): ipaddr.IPv4 => new ipaddr.IPv4(bytes.slice(12, 16));
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
      return address.toIPv4Address();
    case 'rfc6052': // 64:ff9b::/96 puts the IPv4 address in the last 32 bits (the /48 is refused above)
      return last32();
    case '6to4': // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD (RFC 3056)
      return new ipaddr.IPv4(bytes.slice(2, 6));
    case 'teredo': // 2001:0:server:flags:port:client, the client IPv4 stored XOR 0xffffffff (RFC 4380)
      return new ipaddr.IPv4(bytes.slice(12, 16).map((byte) => byte ^ 0xff));
    case 'unicast':
      // ipaddr.js has no class for IPv4-compatible addresses (::a.b.c.d, RFC 4291, deprecated)
      // and calls them unicast; :: and ::1 are classed separately, so they do not get here.
      return bytes.slice(0, 12).every((byte) => byte === 0) ? last32() : null;
    default:
      return null;
  }
}
