export type { Delivery, DeliveryFilter, EmitResult, StreamMessage } from '@titan-webhooks/sdk/mock';
export type { LogFormat, LogLevel, MockServerOptions, RateLimitOptions, TokenSpec } from './config.js';
export { ConfigError } from './config.js';
export type { MockServer, WaitForDeliveriesFilter } from './server.js';
export { startMockServer } from './server.js';
