/** Scenarios: named runs of related events, generated fresh for each use. */
export { findScenario, SCENARIOS } from './definitions.js';
export { order, SCENARIO_ORDERS, type ScenarioOrder } from './order.js';
export type { Scenario, ScenarioStep } from './scenario.js';
