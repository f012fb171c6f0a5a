/** The control API's shapes as the inspector reads them. */
import type { Webhook } from '@titan-webhooks/sdk';
import type {
  DeliveryAttempt as ContractAttempt,
  Delivery as ContractDelivery,
  DeliveryStatus,
} from '@titan-webhooks/sdk/mock';

export type { DeliveryStatus, Webhook };

/** What the receiver answered: its headers and the start of its body. */
export interface ReceiverResponse {
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

export type Attempt = ContractAttempt & { response?: ReceiverResponse | null };
export type Delivery = Omit<ContractDelivery, 'attempts'> & { attempts: Attempt[] };

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
