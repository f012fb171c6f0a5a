/** The mock server's SSRF guard (DECISIONS §3 "SSRF"): checks at create/update time and at connect time. */
export { checkWebhookUrl } from './url-policy';
export type { Resolver, UrlPolicyOptions, UrlProblem } from './url-policy';
export { isAllowedAddress } from './address-policy';
export { createGuardedLookup } from './guarded-lookup';
export { createGuardedConnector } from './guarded-connector';
export type { GuardedConnectorOptions } from './guarded-connector';
export { SsrfBlockedError } from './blocked-error';
