/** The delivery engine: fans events out to webhooks and delivers them with retries. */
import type { DeliveryEngine, DeliveryEngineOptions } from '../model.js';
import { Engine } from './engine.js';

export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  return new Engine(options);
}
