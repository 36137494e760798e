// A repair must leave what a normal answer leaves. For every call the reconciler may record from
// what it observes, there is a step record (the fulfillment task the call belongs to), the observed
// value decodes with that step's result schema (the one the resumed job replays it with), and the
// ids the success path keeps on the task come out of it.
import type { SystemPorts } from '../ports/systems.ts';
import { stepRecordOf } from '../use-cases/step-records.ts';
import type { OrderSnapshot } from '../domain/order.ts';
import { observeExternalState } from './external-state.ts';
import { repairRule } from './repair-policy.ts';

const found = <T>(value: T) => Promise.resolve({ kind: 'succeeded' as const, value, exchange: {} });
const ports = {
  provisioning: { findByIdempotencyKey: () => found({ providerRequestId: 'PRV-1', status: 'PENDING', orderId: 'ord-1', orderItemId: 'item-1' }) },
  billing: { findActivation: () => found({ externalBillingId: 'BIL-1', activatedAt: '2026-12-01T07:00:00Z' }) },
  inventory: { findReservation: () => found({ reservationId: 'RES-1', resources: [{ resourceId: 'msisdn', value: '+15550100' }] }) },
  notification: { findSent: () => found([{ messageId: 'MSG-1', sentAt: '2026-12-01T07:00:00Z', reference: 'our-key' }]) },
} as unknown as SystemPorts;
const order = { orderId: 'ord-1', contact: { email: 'buyer@example.com' } } as OrderSnapshot;

test.each([
  { system: 'PROVISIONING', operation: 'ACTIVATE_SERVICE', businessObjectId: 'ord-1/item-1', task: 'ACTIVATE_SERVICE', ids: { externalRequestId: 'PRV-1' }, kept: { providerRequestId: 'PRV-1' }, event: undefined },
  { system: 'PROVISIONING', operation: 'DEACTIVATE_SERVICE', businessObjectId: 'ord-1/item-1', task: 'DEACTIVATE_SERVICE', ids: { externalRequestId: 'PRV-1' }, kept: { providerRequestId: 'PRV-1' }, event: undefined },
  {
    system: 'INVENTORY',
    operation: 'RESERVE_RESOURCE',
    businessObjectId: 'ord-1/item-1',
    task: 'RESERVE_INVENTORY',
    ids: { externalReferenceId: 'RES-1' },
    kept: { reservationId: 'RES-1' },
    event: { type: 'InventoryReserved', payload: { orderItemId: 'item-1', reservationId: 'RES-1' } },
  },
  {
    system: 'BILLING',
    operation: 'ACTIVATE_SUBSCRIPTION',
    businessObjectId: 'sub-1',
    task: 'ACTIVATE_BILLING',
    ids: { externalReferenceId: 'BIL-1' },
    kept: { externalBillingId: 'BIL-1', activatedAt: '2026-12-01T07:00:00Z' },
    event: { type: 'BillingActivated', payload: { subscriptionId: 'sub-1', billingReference: 'BIL-1' } },
  },
  {
    system: 'NOTIFICATION',
    operation: 'SEND_ORDER_CONFIRMATION',
    businessObjectId: 'ord-1',
    task: 'NOTIFY_CUSTOMER',
    ids: { externalReferenceId: 'MSG-1' },
    kept: { messageId: 'MSG-1' },
    event: { type: 'CustomerNotified', payload: { notificationId: 'MSG-1', templateCode: 'ORDER_CONFIRMATION' } },
  },
])('$system $operation observed at the external system is recorded on its $task task with the ids a normal answer gives', async (c) => {
  expect(repairRule(c.system, c.operation).recordObservedSuccess).toBe(true);
  const o = await observeExternalState(ports, { system: c.system, operation: c.operation, idempotencyKey: 'our-key', businessObjectId: c.businessObjectId }, order);
  expect(o).toMatchObject({ kind: 'executed', ...c.ids });
  if (o.kind !== 'executed') return;

  const record = stepRecordOf(c.system, c.operation);
  expect(record?.taskType).toBe(c.task);
  const decoded = record?.resultSchema.safeParse(o.value);
  expect(decoded?.success).toBe(true);
  expect(record?.taskResult?.(decoded?.data)).toEqual(c.kept);
  const subject = { orderItemId: record?.perItem ? c.businessObjectId.split('/')[1] : undefined, businessObjectId: c.businessObjectId };
  expect(record?.announce?.(decoded?.data, subject)).toEqual(c.event);
});

test('reads have no step record: nothing of theirs is kept on a task', () => {
  expect(stepRecordOf('PROVISIONING', 'CHECK_STATUS')).toBeUndefined();
  expect(stepRecordOf('CRM', 'VALIDATE_ACCOUNT')).toBeUndefined();
});
