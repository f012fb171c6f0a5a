/** The delivery engine: fans events out to webhooks and delivers them with retries. */
import type { DeliveryEngine, DeliveryEngineOptions } from '../model';
import { Engine } from './engine';

export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  return new Engine(options);
}
