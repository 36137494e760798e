// Business outcomes take the model's BPMN error paths: rejections end the order, failures after
// side effects compensate them, billing fallout waits for a person in Tasklist.
import { randomUUID } from 'node:crypto';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';

let h: FulfillmentHarness;
beforeAll(async () => {
  h = await FulfillmentHarness.start();
});
afterAll(async () => {
  await h.close();
});

const refsOf = (orderId: string, items: readonly { orderItemId: string }[]) => items.map((i) => `${orderId}/${i.orderItemId}`);

test('a suspended customer account is a business rejection: BPMN error path, order REJECTED, nothing reserved', async () => {
  const order = sampleOrder({ customerAccountId: `CUST-SUSPENDED-${randomUUID().slice(0, 6)}` });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'REJECTED');
  const pik = await h.processInstanceOf(orderId);
  const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderRejected']);
  expect(passed).toEqual(expect.arrayContaining(['BoundaryEvent_CustomerAccountRejected', 'ServiceTask_MarkOrderRejected', 'EndEvent_OrderRejected']));
  expect(passed).not.toContain('ServiceTask_ReserveInventory');
  expect((await h.attempts(orderId)).map((a) => `${a.system_code}:${a.status}`)).toEqual(['CRM:REJECTED']);
});

test('an item out of stock rejects the order and releases the item already reserved (compensation)', async () => {
  const order = sampleOrder({ items: 2, stock: 0 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'REJECTED');
  const pik = await h.processInstanceOf(orderId);
  const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderRejected']);
  expect(passed).toEqual(expect.arrayContaining(['BoundaryEvent_InventoryUnavailable', 'IntermediateThrowEvent_CompensateReservations', 'ServiceTask_ReleaseInventory']));
  const [outOfStock, reserved] = refsOf(orderId, order.items);
  const created = (await h.sideEffects({ system: 'inventory', operation: 'createReservation' })).map((e) => e.ref);
  const released = (await h.sideEffects({ system: 'inventory', operation: 'releaseReservation' })).map((e) => e.ref);
  expect(created.filter((r) => r === reserved)).toHaveLength(1);
  expect(created).not.toContain(outOfStock);
  expect(released.filter((r) => r === reserved)).toHaveLength(1);
});

test('a provisioning failure compensates: services deactivated, inventory released, order FALLOUT', async () => {
  const order = sampleOrder({ items: 2, serviceSpecificationCode: 'SPEC-FAIL' });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'FALLOUT');
  const pik = await h.processInstanceOf(orderId);
  const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderFallout']);
  expect(passed).toEqual(expect.arrayContaining(['IntermediateThrowEvent_CompensateProvisioning', 'ServiceTask_ReleaseInventory', 'ServiceTask_DeactivateService', 'ServiceTask_MarkOrderFallout']));
  expect(passed).not.toContain('ServiceTask_ActivateBilling');
  const refs = refsOf(orderId, order.items);
  const released = (await h.sideEffects({ system: 'inventory', operation: 'releaseReservation' })).map((e) => e.ref).filter((r) => refs.includes(r));
  expect(released.sort()).toEqual([...refs].sort());
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(0);
});

test('a billing rejection is fallout for a person: a Tasklist user task, and CANCEL compensates the order', async () => {
  const order = sampleOrder({ billingAccountId: `BA-REJECT-${randomUUID().slice(0, 6)}` });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const task = await h.pt.awaitUserTask(pik, 'UserTask_ResolveBillingFallout');
  expect(task.formKey).toMatch(/^\d+$/); // the deployed form linked to the task
  expect(await h.orderStatus(orderId)).toBe('IN_FULFILLMENT');

  await h.pt.completeUserTask(task.key, { falloutDecision: 'CANCEL', falloutNote: 'customer withdrew' });
  await h.awaitOrderStatus(orderId, 'CANCELLED');
  const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderCancelled']);
  expect(passed).toEqual(expect.arrayContaining(['IntermediateThrowEvent_CompensateOnBillingCancel', 'ServiceTask_ReleaseInventory', 'ServiceTask_DeactivateService']));
});

test("a billing rejection RETRIED once billing fixed the account activates under the same key, once, and the order completes", async () => {
  const order = sampleOrder({ billingAccountId: `BA-REJECT-${randomUUID().slice(0, 6)}` });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const first = await h.pt.awaitUserTask(pik, 'UserTask_ResolveBillingFallout');

  // RETRY while the account is still refused: billing is asked again and refuses again, a person decides again
  await h.pt.completeUserTask(first.key, { falloutDecision: 'RETRY', falloutNote: 'retry before the fix' });
  const second = await eventually('the fallout task again', async () => {
    const task = await h.pt.awaitUserTask(pik, 'UserTask_ResolveBillingFallout');
    return task.key === first.key ? undefined : task;
  });
  const billing = async () => (await h.attempts(orderId)).filter((a) => a.system_code === 'BILLING');
  expect(await billing()).toEqual([expect.objectContaining({ status: 'REJECTED', attempt_no: 2, failure_category: 'BUSINESS_REJECTED' })]);

  await h.makeBillingAccountEligible(order.subscription.billingAccountId);
  await h.pt.completeUserTask(second.key, { falloutDecision: 'RETRY', falloutNote: 'account made eligible by the billing team' });
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  expect(await billing()).toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempt_no: 3, failure_category: null })]);
  const activations = await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId });
  expect(activations).toHaveLength(1);
  expect(activations[0]?.idempotencyKey).toMatch(new RegExp(`^billing-activation:[^:]+:${orderId}:`));
});

test('billing holding a conflicting activation is an external conflict for review, never auto-repaired', async () => {
  const order = sampleOrder();
  // someone else activated the subscription first, under another key and charge snapshot
  const res = await fetch(`${h.config.BILLING_URL}/v3/subscriptions/${order.subscription.subscriptionId}/activation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.config.BILLING_TOKEN}`, 'idempotency-key': `other-${randomUUID()}` },
    body: JSON.stringify({ billingAccountId: order.subscription.billingAccountId, activationDate: '2026-11-01', chargeSnapshotVersion: 7, charges: [{ chargeCode: 'X', amount: '1.00', currency: 'IDR', frequency: 'MONTHLY', type: 'RECURRING' }] }),
  });
  expect(res.status).toBe(201);
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const task = await h.pt.awaitUserTask(pik, 'UserTask_ReviewExternalConflict');
  const cases = await h.openCases(orderId);
  expect(cases).toEqual([expect.objectContaining({ system_code: 'BILLING', mismatch_type: 'DUPLICATE_CONFLICT', status: 'OPEN' })]);
  await h.pt.completeUserTask(task.key, { falloutDecision: 'KEEP_AS_FALLOUT', falloutNote: 'billing team repairs' });
  await h.awaitOrderStatus(orderId, 'FALLOUT');
});
