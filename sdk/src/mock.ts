/** `@titan-webhooks/sdk/mock`: the typed client of the mock server's control API. */

export type { components as MockControlComponents, paths as MockControlPaths } from './generated/mock-control-api.js';
export type {
  ApiFault,
  ApiFaultCreate,
  ApiFaultsControl,
  Delivery,
  DeliveryAttempt,
  DeliveryFilter,
  DeliveryPage,
  DeliveryPageQuery,
  DeliveryResponse,
  DeliveryStatus,
  EmitResult,
  MockControl,
} from './mock-control.js';
export { createMockControl } from './mock-control.js';
