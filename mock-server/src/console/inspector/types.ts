/** The control API's shapes as the inspector reads them. */
import type { Webhook } from '@titan-webhooks/sdk';
import type { DeliveryAttempt as Attempt, Delivery, DeliveryStatus } from '@titan-webhooks/sdk/mock';

export type { Attempt, Delivery, DeliveryStatus, Webhook };

export interface DeliveryFilter {
  webhookId?: number;
  event?: string;
  status?: DeliveryStatus;
}

export interface Faults {
  duplicates: number;
  delaySeconds: number;
  signature: 'valid' | 'invalid' | 'missing';
}

export interface Scenario {
  name: string;
  description: string;
  events: string[];
}

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'cancelled'];
