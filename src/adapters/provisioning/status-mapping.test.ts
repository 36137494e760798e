import { toInternalProvisioningStatus } from './status-mapping.ts';

test.each([
  ['NEW', 'PENDING'],
  ['SENT', 'PENDING'],
  ['ACK', 'PENDING'],
  ['INPROG', 'PENDING'],
  ['DONE', 'SUCCEEDED'],
  ['ERR', 'FAILED'],
  ['ERR2', 'FAILED'],
  ['CANCEL_PENDING', 'CANCELLATION_PENDING'],
])('%s → %s', (external, internal) => {
  expect(toInternalProvisioningStatus(external)).toBe(internal);
});

test.each(['PARTIAL', 'done', '', ' DONE', 'constructor', 'toString', '__proto__'])('unknown %j → UNKNOWN_REQUIRES_INVESTIGATION', (external) => {
  expect(toInternalProvisioningStatus(external)).toBe('UNKNOWN_REQUIRES_INVESTIGATION');
});
