/** `@titan-webhooks/sdk/mock`: the typed client of the mock server's control API. */

export type { components as MockControlComponents, paths as MockControlPaths } from './generated/mock-control-api.js';
export type { StreamMessage, StreamOptions, WebhookDeleted } from './live-stream.js';
export type {
  ApiFault,
  ApiFaultCreate,
  ApiFaultsControl,
  Delivery,
  DeliveryAttempt,
  DeliveryFaults,
  DeliveryFilter,
  DeliveryPage,
  DeliveryPageQuery,
  DeliveryResponse,
  DeliveryStatus,
  EmitOptions,
  EmitResult,
  MockControl,
  Scenario,
  ScenarioName,
  ScenarioOrder,
  ScenarioRunResult,
  TriggerOptions,
} from './mock-control.js';
export { createMockControl } from './mock-control.js';
