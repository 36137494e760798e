import { crmAccountDto } from './dto.ts';
import { toExternalAccountPath, toInternalAccountNotFound, toInternalAccountValidation } from './mapper.ts';

const account = { custNo: 'CUST-1', acctStatus: 'A' as const, billAcctRef: 'BA-9', segment: 'SMB', eligFlags: ['FIBER_OK'], updatedTs: '2026-01-01T00:00:00Z' };

test('the command names the account in the path (encoded)', () => {
  expect(toExternalAccountPath({ tenantId: 't', customerAccountId: 'CUST 1/x', marketSegment: 'SMB', correlationId: 'c' })).toBe('/v2/accounts/CUST%201%2Fx');
});

test('an active account validates with its billing account and eligibility flags', () => {
  expect(toInternalAccountValidation(account)).toEqual({ kind: 'valid', value: { accountStatus: 'ACTIVE', billingAccountId: 'BA-9', eligibilityFlags: ['FIBER_OK'] } });
});

test.each([
  ['S', 'ACCOUNT_SUSPENDED'],
  ['C', 'ACCOUNT_CLOSED'],
] as const)('status %s is a business rejection %s', (acctStatus, reasonCode) => {
  expect(toInternalAccountValidation({ ...account, acctStatus })).toMatchObject({ kind: 'rejected', reasonCode });
});

test('a missing account is ACCOUNT_NOT_FOUND; the CRM code stays only in the message', () => {
  const v = toInternalAccountNotFound('CUST-UNKNOWN-1', { errCd: 'CUST_NOT_FOUND', errMsg: 'no such customer' });
  expect(v).toEqual({ kind: 'rejected', reasonCode: 'ACCOUNT_NOT_FOUND', reasonMessage: expect.stringContaining('CUST_NOT_FOUND') });
});

test('extra fields are tolerated and dropped; unread documented fields may be missing', () => {
  const { segment: _s, updatedTs: _u, ...minimal } = account;
  expect(crmAccountDto.parse({ ...minimal, loyaltyTier: 'GOLD' })).toEqual(minimal);
});

test('an acctStatus outside A/S/C breaks the contract (no guessing)', () => {
  expect(crmAccountDto.safeParse({ ...account, acctStatus: 'X' }).success).toBe(false);
});
