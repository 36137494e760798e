import { activationRecordDto } from './dto.ts';
import { toExternalActivationPath, toExternalActivationRequest, toInternalActivation, toInternalConflict, toInternalFoundActivation, toInternalNotEligible } from './mapper.ts';
import type { BillingActivationCommand } from '../../core/ports/billing.ts';

const command: BillingActivationCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  subscriptionId: 'sub_123',
  billingAccountId: 'ba_456',
  activationDate: '2026-07-02',
  chargeSnapshotVersion: 3,
  charges: [
    { chargeId: 'chg_001', chargeType: 'RECURRING', amount: '750000.00', currency: 'IDR', billingFrequency: 'MONTHLY' },
    { chargeId: 'chg_002', chargeType: 'ONE_TIME', amount: '150000.00', currency: 'IDR', billingFrequency: 'ONCE' },
  ],
  idempotencyKey: 'billing-activation:t1:ord-1:sub_123:v3',
  correlationId: 'corr-1',
};
const record = { activationId: 'ACT-1', billingSubscriptionRef: 'BSR-1', state: 'ACTIVE', activatedAt: '2026-07-02T10:00:00Z', subscriptionId: 'sub_123' };

test('the charge snapshot is passed field by field, amounts untouched', () => {
  expect(toExternalActivationRequest(command)).toEqual({
    billingAccountId: 'ba_456',
    activationDate: '2026-07-02',
    chargeSnapshotVersion: 3,
    charges: [
      { chargeCode: 'chg_001', amount: '750000.00', currency: 'IDR', frequency: 'MONTHLY', type: 'RECURRING' },
      { chargeCode: 'chg_002', amount: '150000.00', currency: 'IDR', frequency: 'ONCE', type: 'ONE_TIME' },
    ],
  });
  expect(toExternalActivationPath(command)).toBe('/v3/subscriptions/sub_123/activation');
});

test('an activation maps to our billing id and time', () => {
  expect(toInternalActivation(record)).toEqual({ externalBillingId: 'BSR-1', activatedAt: '2026-07-02T10:00:00Z' });
});

test('found: only an ACTIVE activation counts', () => {
  expect(toInternalFoundActivation({ items: [] })).toBeUndefined();
  expect(toInternalFoundActivation({ items: [{ ...record, state: 'CANCELLED' }] })).toBeUndefined();
  expect(toInternalFoundActivation({ items: [record] })).toEqual({ activationId: 'ACT-1', activation: { externalBillingId: 'BSR-1', activatedAt: '2026-07-02T10:00:00Z' } });
});

test('not eligible: internal reason code; BIL-ERR-7781 only in the message', () => {
  const r = toInternalNotEligible(command, { code: 'BIL-ERR-7781', message: 'account blocked' });
  expect(r.reasonCode).toBe('BILLING_ACCOUNT_NOT_ELIGIBLE');
  expect(r.reasonMessage).toContain('BIL-ERR-7781');
});

test('already active under another request names both snapshot versions', () => {
  expect(toInternalConflict(command, { code: 'ALREADY_ACTIVE', message: 'active', activeSnapshotVersion: 2 })).toMatch(/v2.*we sent v3/);
  expect(toInternalConflict(command, { code: 'IDEMPOTENCY_MISMATCH' })).toContain(command.idempotencyKey);
});

test('extra fields are tolerated', () => {
  expect(activationRecordDto.parse({ ...record, invoiceCycle: 'C1' })).toEqual(record);
});
