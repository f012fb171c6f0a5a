/**
 * The create/update-time check of a webhook URL.
 * The connect-time check (guarded-lookup.ts, guarded-connector.ts) repeats the address part
 * on every attempt, because what a name resolves to can change after this check.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressRefusal } from './address-policy.js';
import { hostnameRefusal } from './hostname-policy.js';

export interface UrlProblem {
  /** A JSON pointer, e.g. '/url'. */
  path: string;
  message: string;
}

/** Resolves a name to its addresses; rejects with code ENOTFOUND or ENODATA when it does not resolve. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface UrlPolicyOptions {
  /** Lifts the address and name rules and allows http, for local testing. */
  allowPrivateUrls: boolean;
  /** Defaults to the system resolver (dns.lookup), the one net.connect uses. */
  resolver?: Resolver;
}

const MAX_URL_LENGTH = 2048;
/** Appended to a refusal that the mock server's private-URL switch would lift. */
export const LOCAL_RECEIVERS_HINT =
  ' (to allow local receivers, start the mock server with --allow-private-urls, or allowPrivateUrls: true)';

const codePoints = (text: string) => [...text].length;

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Checks a webhook URL at create/update time; null when allowed. */
export async function checkWebhookUrl(url: string, options: UrlPolicyOptions): Promise<UrlProblem | null> {
  const message = await urlRefusal(url, options);
  if (message === null) return null;
  // Most refusals in local testing are of a receiver on this machine: name the switch that allows it.
  const allowedByFlag =
    !options.allowPrivateUrls && (await urlRefusal(url, { ...options, allowPrivateUrls: true })) === null;
  return { path: '/url', message: allowedByFlag ? `${message}${LOCAL_RECEIVERS_HINT}` : message };
}

async function urlRefusal(
  url: string,
  { allowPrivateUrls, resolver = systemResolver }: UrlPolicyOptions,
): Promise<string | null> {
  // Counted in code points, as JSON Schema's maxLength counts, on the string as sent.
  if (codePoints(url) > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The WHATWG parser rejects zone ids ("[fe80::1%25eth0]"); say so rather than just "invalid".
    return /\[[^\]]*%/.test(url) ? 'url must not contain an IPv6 zone id' : 'url must be a valid absolute URL';
  }

  if (allowPrivateUrls) {
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must use http or https';
  } else if (parsed.protocol !== 'https:') {
    return 'url must use https';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'url must not contain a username or password';
  // The URL is stored as the parser writes it back, escapes included, and must still fit.
  if (codePoints(parsed.href) > MAX_URL_LENGTH) {
    return `url must be at most ${MAX_URL_LENGTH} characters once normalised (as ${parsed.href.slice(0, 40)}…, escapes included)`;
  }
  if (parsed.port === '0') return 'url port must be between 1 and 65535';
  if (allowPrivateUrls) return null;

  // The parser has already turned "2130706433", "0x7f.1" and "0177.0.0.1" into "127.0.0.1".
  // Trailing dots name the same host as none ("localhost.." is localhost), so all of them go.
  const host = parsed.hostname.replace(/\.+$/, '');
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) {
    const refusal = addressRefusal(literal);
    return refusal === null ? null : `url points to ${literal}, ${refusal}`;
  }
  if (host.split('.').includes('')) return `url host ${parsed.hostname} has an empty label`;

  const nameRefusal = hostnameRefusal(host);
  if (nameRefusal !== null) return nameRefusal;

  let addresses: string[];
  try {
    addresses = await resolver(host);
  } catch {
    // A name that does not resolve now (NXDOMAIN, no data, a DNS failure) is accepted: it may be
    // set up later, and every attempt checks the resolved address again at connect time.
    return null;
  }
  for (const address of addresses) {
    const refusal = addressRefusal(address);
    if (refusal !== null) return `url host ${host} resolves to ${address}, ${refusal}`;
  }
  return null;
}
