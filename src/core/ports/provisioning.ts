// Provisioning: asynchronous service activation / deactivation (seed 000 §13).
import type { ExternalResult } from './external-result.ts';

/** Internal provisioning status (seed 000 §13.2); the external codes never leave the adapter. */
export const PROVISIONING_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLATION_PENDING', 'UNKNOWN_REQUIRES_INVESTIGATION'] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

export interface ProvisioningCommand {
  readonly tenantId: string;
  readonly orderId: string;
  readonly orderItemId: string;
  readonly fulfillmentTaskId: string;
  readonly action: 'ACTIVATE' | 'DEACTIVATE';
  readonly serviceSpecificationCode: string;
  readonly technicalParameters: Readonly<Record<string, string | number | boolean>>;
  readonly idempotencyKey: string;
  readonly correlationId: string;
  /** where the provider reports the final result (absent: poll only) */
  readonly callbackUrl?: string | undefined;
}

export interface ProvisioningAccepted {
  readonly providerRequestId: string;
  readonly status: ProvisioningStatus;
}

export interface ProvisioningState {
  readonly providerRequestId: string;
  readonly status: ProvisioningStatus;
  readonly serviceInstanceId?: string | undefined;
  readonly failureReason?: string | undefined;
  /** the order/item the provider holds the request for (to tell our duplicate from someone else's) */
  readonly orderId?: string | undefined;
  readonly orderItemId?: string | undefined;
}

export interface ProvisioningPort {
  submit(cmd: ProvisioningCommand): Promise<ExternalResult<ProvisioningAccepted>>;
  status(providerRequestId: string): Promise<ExternalResult<ProvisioningState>>;
  /** The provider's request under our idempotency key (reconciliation); succeeded with undefined = none. */
  findByIdempotencyKey(idempotencyKey: string): Promise<ExternalResult<ProvisioningState | undefined>>;
}
