// An order goes the whole way: CRM, two reservations, two asynchronous provisionings (results by
// callback), billing, notification. Each external side effect happens exactly once.
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';

let h: FulfillmentHarness;
beforeAll(async () => {
  h = await FulfillmentHarness.start();
});
afterAll(async () => {
  await h.close();
});

test('a two-item order is fulfilled end to end', async () => {
  const order = sampleOrder({ items: 2 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  const pik = await h.processInstanceOf(orderId);
  await h.pt.awaitCompleted(pik);

  const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderCompleted']);
  const count = (id: string) => passed.filter((e) => e === id).length;
  expect(count('ServiceTask_ValidateCustomerAccount')).toBe(1);
  expect(count('ServiceTask_ReserveInventory')).toBe(2);
  expect(count('ServiceTask_SubmitProvisioning')).toBe(2);
  expect(count('ReceiveTask_AwaitProvisioningResult')).toBe(2);
  expect(count('ServiceTask_ActivateBilling')).toBe(1);
  expect(count('ServiceTask_NotifyCustomer')).toBe(1);
  expect(passed.indexOf('ServiceTask_ActivateBilling')).toBeGreaterThan(passed.lastIndexOf('ReceiveTask_AwaitProvisioningResult'));

  const attempts = await h.attempts(orderId);
  expect(attempts.map((a) => `${a.system_code}:${a.operation_code}:${a.status}`).sort()).toEqual(
    [
      'BILLING:ACTIVATE_SUBSCRIPTION:SUCCEEDED',
      'CRM:VALIDATE_ACCOUNT:SUCCEEDED',
      'INVENTORY:RESERVE_RESOURCE:SUCCEEDED',
      'INVENTORY:RESERVE_RESOURCE:SUCCEEDED',
      'NOTIFICATION:SEND_ORDER_CONFIRMATION:SUCCEEDED',
      'PROVISIONING:ACTIVATE_SERVICE:SUCCEEDED',
      'PROVISIONING:ACTIVATE_SERVICE:SUCCEEDED',
    ].sort(),
  );
  const items = order.items.map((i) => `${orderId}/${i.orderItemId}`);
  expect((await h.sideEffects({ system: 'inventory', operation: 'createReservation' })).filter((e) => items.includes(e.ref))).toHaveLength(2);
  expect((await h.sideEffects({ system: 'provisioning', operation: 'submitServiceOrder' })).filter((e) => items.includes(e.ref))).toHaveLength(2);
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
  expect((await h.sideEffects({ system: 'notification' })).filter((e) => e.ref.includes(orderId))).toHaveLength(1);
});

test('the intake answers a repeated request with the same order, and a changed one with 409', async () => {
  const order = sampleOrder();
  const key = `key-${Date.now()}`;
  const first = await h.submit(order, key);
  const again = await h.submit(order, key);
  const changed = await h.submit({ ...order, customerAccountId: 'CUST-OTHER' }, key);
  expect(first.status).toBe(202);
  expect(again).toEqual({ status: 202, body: first.body });
  expect(changed.status).toBe(409);
  expect(changed.body).toMatchObject({ title: 'Idempotency-Key reused' });
  await h.awaitOrderStatus(String(first.body.orderId), 'COMPLETED');
});

test('bad requests get a problem naming what is wrong', async () => {
  const noKey = await h.fetchAs('intake', '/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleOrder()) });
  expect(noKey.status).toBe(400);
  expect(await noKey.json()).toMatchObject({ title: 'Idempotency-Key header required' });

  const bad = await h.submit({ ...sampleOrder(), items: [], contact: { recipientId: 'x', email: 'not-an-email', displayName: 'X' } } as never);
  expect(bad.status).toBe(400);
  const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['items', 'contact.email']));

  const notJson = await h.fetchAs('intake', '/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-nj' }, body: '{"tenantId": ' });
  expect(notJson.status).toBe(400);
  expect(notJson.headers.get('content-type')).toContain('application/problem+json');
});
