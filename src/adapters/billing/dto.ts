// Billing's own wire format (simulators/README.md, `/billing`). Its codes (BIL-ERR-7781, …) stay
// in this folder and in the evidence.
import { z } from 'zod';

export const billingChargeDto = z.object({
  chargeCode: z.string(),
  amount: z.string(),
  currency: z.string(),
  frequency: z.string(),
  type: z.string(),
});
export type BillingChargeDto = z.output<typeof billingChargeDto>;

/** POST /v3/subscriptions/{subscriptionId}/activation (header Idempotency-Key). */
export const activationRequestDto = z.object({
  billingAccountId: z.string(),
  activationDate: z.string(),
  chargeSnapshotVersion: z.number().int(),
  charges: z.array(billingChargeDto),
});
export type ActivationRequestDto = z.output<typeof activationRequestDto>;

/** 201 (200 on a replay with the same key and body). Anything but ACTIVE breaks the contract. */
export const activationDto = z.object({
  activationId: z.string(),
  billingSubscriptionRef: z.string(),
  state: z.literal('ACTIVE'),
  activatedAt: z.string(),
});
export type ActivationDto = z.output<typeof activationDto>;

/** Items of GET /v3/activations?idempotencyKey=… (state kept open: an activation may have ended since). */
export const activationRecordDto = z.object({
  activationId: z.string(),
  billingSubscriptionRef: z.string(),
  state: z.string(),
  activatedAt: z.string(),
  subscriptionId: z.string(),
});
export const activationListDto = z.object({ items: z.array(activationRecordDto) });
export type ActivationListDto = z.output<typeof activationListDto>;

/** 4xx body: {code, message}; 409 ALREADY_ACTIVE adds activeSnapshotVersion. */
export const billingErrorDto = z.object({ code: z.string(), message: z.string().optional(), activeSnapshotVersion: z.number().optional() });
export type BillingErrorDto = z.output<typeof billingErrorDto>;

export const BILLING_ERRORS = { accountNotEligible: 'BIL-ERR-7781', idempotencyMismatch: 'IDEMPOTENCY_MISMATCH', alreadyActive: 'ALREADY_ACTIVE' } as const;
export const ACTIVATION_ACTIVE = 'ACTIVE';
