import { parseProvisioningCallback } from './callback.ts';

const body = { provTxnRef: 'PT-1', clientTxnRef: 'provisioning:t1:ord-1:item-1:ACTIVATE', orderRef: 'ord-1', itemRef: 'item-1', status: 'DONE', svcInstanceId: 'SVC-9' };

test('a callback in the provider vocabulary becomes our provisioning state', () => {
  const parsed = parseProvisioningCallback(body);
  expect(parsed).toEqual({
    ok: true,
    result: { providerRequestId: 'PT-1', status: 'SUCCEEDED', serviceInstanceId: 'SVC-9', failureReason: undefined, orderId: 'ord-1', orderItemId: 'item-1' },
    snapshot: body,
  });
});

test('an ERR callback is FAILED with the provider reason', () => {
  const parsed = parseProvisioningCallback({ ...body, status: 'ERR', svcInstanceId: undefined, errCd: 'SPEC_FAIL', errMsg: 'spec rejected' });
  expect(parsed).toMatchObject({ ok: true, result: { status: 'FAILED', failureReason: expect.stringContaining('SPEC_FAIL') } });
});

test('a body outside the contract is refused with the offending fields', () => {
  const parsed = parseProvisioningCallback({ provTxnRef: 42, status: 'DONE' });
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.error).toContain('provTxnRef');
});
