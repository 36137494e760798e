import { serviceOrderDto } from './dto.ts';
import { toExternalServiceOrder, toInternalAccepted, toInternalConflict, toInternalFoundState, toInternalState } from './mapper.ts';
import type { ProvisioningCommand } from '../../core/ports/provisioning.ts';

const command: ProvisioningCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  orderItemId: 'item-1',
  fulfillmentTaskId: 'task-1',
  action: 'ACTIVATE',
  serviceSpecificationCode: 'SPEC-FIBER-100',
  technicalParameters: { bandwidthMbps: 100, vlan: '42', staticIp: false },
  idempotencyKey: 'provisioning:t1:ord-1:item-1:ACTIVATE',
  correlationId: 'corr-1',
  callbackUrl: 'http://127.0.0.1:3000/callbacks/provisioning',
};
const order = { provTxnRef: 'PT-1', clientTxnRef: command.idempotencyKey, orderRef: 'ord-1', itemRef: 'item-1', status: 'DONE', svcInstanceId: 'SVC-9' };

test('ACTIVATE becomes ADD with the idempotency key as clientTxnRef', () => {
  expect(toExternalServiceOrder(command)).toEqual({
    clientTxnRef: command.idempotencyKey,
    action: 'ADD',
    svcSpec: 'SPEC-FIBER-100',
    params: { bandwidthMbps: 100, vlan: '42', staticIp: false },
    orderRef: 'ord-1',
    itemRef: 'item-1',
    callbackUrl: command.callbackUrl,
  });
});

test('DEACTIVATE becomes DELETE; no callbackUrl when there is none (poll only)', () => {
  const external = toExternalServiceOrder({ ...command, action: 'DEACTIVATE', callbackUrl: undefined });
  expect(external.action).toBe('DELETE');
  expect('callbackUrl' in external).toBe(false);
});

test('acceptance: provTxnRef is the provider request id, ACK is PENDING', () => {
  expect(toInternalAccepted({ provTxnRef: 'PT-1', status: 'ACK' })).toEqual({ providerRequestId: 'PT-1', status: 'PENDING' });
});

test('state: internal status, service instance, order and item from orderRef/itemRef', () => {
  expect(toInternalState(order)).toEqual({ providerRequestId: 'PT-1', status: 'SUCCEEDED', serviceInstanceId: 'SVC-9', failureReason: undefined, orderId: 'ord-1', orderItemId: 'item-1' });
});

test('a failed request: ERR2 never leaves as a status, its code only inside the failure reason', () => {
  const s = toInternalState({ ...order, status: 'ERR2', svcInstanceId: undefined, errCd: 'NE-TIMEOUT', errMsg: 'network element did not answer' });
  expect(s.status).toBe('FAILED');
  expect(s.failureReason).toContain('NE-TIMEOUT: network element did not answer');
});

test('an unknown external status is flagged for investigation, not a schema failure', () => {
  const parsed = serviceOrderDto.parse({ ...order, status: 'SUSPENDED_BY_NOC' });
  expect(toInternalState(parsed).status).toBe('UNKNOWN_REQUIRES_INVESTIGATION');
});

test('extra fields are tolerated', () => {
  expect(serviceOrderDto.parse({ ...order, region: 'JKT', attempts: 3 })).toEqual(order);
});

test('search: the request under our key, or undefined', () => {
  expect(toInternalFoundState({ items: [] })).toBeUndefined();
  expect(toInternalFoundState({ items: [order] })?.providerRequestId).toBe('PT-1');
});

test('conflict detail names what the provider holds and what we sent', () => {
  const detail = toInternalConflict(command, { errCd: 'DUP_TXN', errMsg: 'payload differs', existingOrderRef: 'ord-7', existingItemRef: 'item-3' });
  expect(detail).toContain('order ord-7 item item-3');
  expect(detail).toContain('order ord-1 item item-1');
});
