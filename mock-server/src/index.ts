export { startMockServer } from './server.js';
export type { MockServer, WaitForDeliveriesFilter } from './server.js';
export { ConfigError } from './config.js';
export type { LogLevel, MockServerOptions, RateLimitOptions, TokenSpec } from './config.js';
export type { Delivery, DeliveryFilter, EmitResult } from '@titan-webhooks/sdk';
