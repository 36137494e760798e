// Billing: subscription activation from a billing-ready charge snapshot (seed 000 §14).
import type { ExternalResult } from './external-result.ts';

export interface BillingCharge {
  readonly chargeId: string;
  readonly chargeType: 'RECURRING' | 'ONE_TIME';
  readonly amount: string;
  readonly currency: string;
  readonly billingFrequency: 'MONTHLY' | 'QUARTERLY' | 'YEARLY' | 'ONCE';
}

export interface BillingActivationCommand {
  readonly tenantId: string;
  readonly orderId: string;
  readonly subscriptionId: string;
  readonly billingAccountId: string;
  readonly activationDate: string;
  readonly chargeSnapshotVersion: number;
  readonly charges: readonly BillingCharge[];
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface BillingActivation {
  readonly externalBillingId: string;
  readonly activatedAt: string;
}

export interface BillingPort {
  activate(cmd: BillingActivationCommand): Promise<ExternalResult<BillingActivation>>;
  /** The activation billing holds under our idempotency key (reconciliation); succeeded with undefined = none. */
  findActivation(idempotencyKey: string): Promise<ExternalResult<BillingActivation | undefined>>;
}
