// Explicit translation between the billing vocabulary and ours (seed 000 §14, §20). The charge
// snapshot is passed as it is: billing never recalculates prices (§14.2).
import { externalDetail } from '../http-response.ts';
import { ACTIVATION_ACTIVE, BILLING_ERRORS, type ActivationDto, type ActivationListDto, type ActivationRequestDto, type BillingChargeDto, type BillingErrorDto } from './dto.ts';
import type { BillingActivation, BillingActivationCommand, BillingCharge } from '../../core/ports/billing.ts';

export function toExternalActivationRequest(cmd: BillingActivationCommand): ActivationRequestDto {
  return {
    billingAccountId: cmd.billingAccountId,
    activationDate: cmd.activationDate,
    chargeSnapshotVersion: cmd.chargeSnapshotVersion,
    charges: cmd.charges.map(toExternalCharge),
  };
}

export function toExternalCharge(charge: BillingCharge): BillingChargeDto {
  return { chargeCode: charge.chargeId, amount: charge.amount, currency: charge.currency, frequency: charge.billingFrequency, type: charge.chargeType };
}

export function toExternalActivationPath(cmd: BillingActivationCommand): string {
  return `/v3/subscriptions/${encodeURIComponent(cmd.subscriptionId)}/activation`;
}

export function toInternalActivation(dto: Pick<ActivationDto, 'billingSubscriptionRef' | 'activatedAt'>): BillingActivation {
  return { externalBillingId: dto.billingSubscriptionRef, activatedAt: dto.activatedAt };
}

/**
 * The activation billing holds under our key. Only an active one counts: one that ended is not a
 * billing we can build on, and the idempotency key makes a new activation request safe.
 */
export function toInternalFoundActivation(dto: ActivationListDto): { readonly activation: BillingActivation; readonly activationId: string } | undefined {
  const active = dto.items.find((a) => a.state === ACTIVATION_ACTIVE);
  return active ? { activation: toInternalActivation(active), activationId: active.activationId } : undefined;
}

export function toInternalNotEligible(cmd: BillingActivationCommand, dto: BillingErrorDto) {
  return {
    reasonCode: 'BILLING_ACCOUNT_NOT_ELIGIBLE',
    reasonMessage: `billing account ${cmd.billingAccountId} may not be billed for subscription ${cmd.subscriptionId}${externalDetail(dto.code, dto.message)}`,
  } as const;
}

export function toInternalInvalidActivation(cmd: BillingActivationCommand, dto: BillingErrorDto | undefined) {
  return {
    reasonCode: 'INVALID_BILLING_REQUEST',
    reasonMessage: `billing refused the activation request of subscription ${cmd.subscriptionId}${externalDetail(dto?.code, dto?.message)}`,
  } as const;
}

/** Seed 000 §14.3: same subscription, different request = conflict (never a silent success). */
export function toInternalConflict(cmd: BillingActivationCommand, dto: BillingErrorDto): string {
  if (dto.code === BILLING_ERRORS.alreadyActive) {
    const version = dto.activeSnapshotVersion === undefined ? '' : ` with charge snapshot v${dto.activeSnapshotVersion}`;
    return `subscription ${cmd.subscriptionId} is already active in billing under another request${version} (we sent v${cmd.chargeSnapshotVersion})${externalDetail(dto.code, dto.message)}`;
  }
  return `billing holds a different activation request under idempotency key ${cmd.idempotencyKey}${externalDetail(dto.code, dto.message)}`;
}
