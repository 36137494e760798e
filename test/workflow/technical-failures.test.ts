// Technical failures of external systems: what is retried (with backoff, Retry-After winning),
// what becomes an incident at once, and what the incident tells the operator.
import { randomUUID } from 'node:crypto';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { retryOrderIncidents } from '../../src/core/use-cases/retry-incidents.ts';

let h: FulfillmentHarness;
beforeAll(async () => {
  h = await FulfillmentHarness.start();
});
afterAll(async () => {
  await h.close();
});

test('billing answering 503 twice is retried with backoff and then succeeds', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'status', status: 503 }, times: 2 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  const billing = (await h.attempts(orderId)).find((a) => a.system_code === 'BILLING');
  expect(billing).toMatchObject({ status: 'SUCCEEDED', attempt_no: 3 });
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
});

test('inventory answering 429 with Retry-After is retried after the wait it asked for', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'inventory', operation: 'createReservation', match: { itemRef: order.items[0]?.orderItemId }, fault: { type: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  const reservation = (await h.attempts(orderId)).find((a) => a.operation_code === 'RESERVE_RESOURCE');
  expect(reservation?.attempt_no).toBeGreaterThanOrEqual(2);
});

test('retries exhausted: an incident says what failed, the evidence, and what to do next', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'status', status: 503 }, times: -1 });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const incident = await h.pt.awaitIncident(pik, 'ServiceTask_ActivateBilling', { timeoutMs: 90_000 });
  expect(incident.errorMessage).toMatch(/^\[SERVER_ERROR\] BILLING activate-subscription/);
  expect(incident.errorMessage).toMatch(/Evidence [0-9a-f-]{36}/);
  expect(incident.errorMessage).toMatch(/No retries left\. Next: check the external system health/);
  const billing = (await h.attempts(orderId)).find((a) => a.system_code === 'BILLING');
  expect(billing).toMatchObject({ status: 'FAILED', attempt_no: 3, failure_category: 'SERVER_ERROR' });

  // billing is back; the operator retries the order (npm run ops -- retry --order <id>)
  await h.clearFaults();
  const retried = await retryOrderIncidents(h.db, engineOverGateway(h.config, h.pt.zeebe), h.pt.search, orderId);
  expect(retried).toEqual({ kind: 'retried', jobs: [expect.objectContaining({ elementId: 'ServiceTask_ActivateBilling', result: 'resumed' })] });
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  expect((await h.attempts(orderId)).find((a) => a.system_code === 'BILLING')).toMatchObject({ status: 'SUCCEEDED', attempt_no: 4 });
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
});

test('an authentication failure is an incident at once, without retries', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'inventory', operation: 'createReservation', match: { itemRef: order.items[0]?.orderItemId }, fault: 'auth', times: -1 });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const incident = await h.pt.awaitIncident(pik, 'ServiceTask_ReserveInventory');
  expect(incident.errorMessage).toMatch(/^\[AUTH_FAILED\] INVENTORY reserve/);
  expect(incident.errorMessage).toMatch(/fix the credentials/);
  const attempt = (await h.attempts(orderId)).find((a) => a.operation_code === 'RESERVE_RESOURCE');
  expect(attempt).toMatchObject({ status: 'FAILED', attempt_no: 1, failure_category: 'AUTH_FAILED' });
  await h.pt.zeebe.cancelProcessInstance(pik);
});

test('a response that breaks the contract (schema mismatch) is an incident at once', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'crm', operation: 'getAccount', match: { custNo: order.customerAccountId }, fault: { type: 'malformed' }, times: -1 });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const incident = await h.pt.awaitIncident(pik, 'ServiceTask_ValidateCustomerAccount');
  expect(incident.errorMessage).toMatch(/^\[SCHEMA_MISMATCH\] CRM validate-account/);
  const attempt = (await h.attempts(orderId)).find((a) => a.system_code === 'CRM');
  expect(attempt).toMatchObject({ status: 'FAILED', attempt_no: 1, failure_category: 'SCHEMA_MISMATCH' });
  await h.pt.zeebe.cancelProcessInstance(pik);
});

test('job variables that break the worker contract become an incident naming the field', async () => {
  const probe = randomUUID();
  // a start message whose orderId is a number, as a broken upstream might send it (a missing
  // orderId is refused by the engine itself: the cancellation subscription needs it)
  const badOrderId = Math.floor(Math.random() * 1e9);
  await h.publish('OrderAccepted', String(badOrderId), { orderId: badOrderId, tenantId: 'tenant-a', correlationId: probe, orderItemIds: ['x'], provisioningPollCycle: 'R/PT5M', provisioningSla: 'PT2H', probe });
  const [instance] = await eventually('the instance started by the broken message', async () => {
    const found = await h.pt.search.processInstancesByVariable('probe', probe, h.processId);
    return found.length ? found : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  const incident = await h.pt.awaitIncident(instance!.key, 'ServiceTask_ValidateCustomerAccount');
  expect(incident.errorMessage).toMatch(/^\[INVALID_VARIABLES\] job crm\.validate-customer-account\.v1/);
  expect(incident.errorMessage).toMatch(/orderId: Invalid input: expected string, received number/);
  await h.pt.zeebe.cancelProcessInstance(instance!.key);
}, 120_000);
