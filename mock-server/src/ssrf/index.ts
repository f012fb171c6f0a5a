/** The mock server's SSRF guard: checks at create/update time and at connect time. */

export { isAllowedAddress } from './address-policy.js';
export { SsrfBlockedError } from './blocked-error.js';
export type { GuardedConnectorOptions } from './guarded-connector.js';
export { createGuardedConnector } from './guarded-connector.js';
export { createGuardedLookup } from './guarded-lookup.js';
export type { Resolver, UrlPolicyOptions, UrlProblem } from './url-policy.js';
export { checkWebhookUrl, LOCAL_RECEIVERS_HINT } from './url-policy.js';
