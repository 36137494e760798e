// Paths that depend on time or on a later message: the provisioning status poll (when no callback
// arrives), the SLA breach (by moving the engine's clock, not by sleeping), and a customer's
// cancellation while the order waits.
import { setTimeout as sleep } from 'node:timers/promises';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';

const AWAIT = 'ReceiveTask_AwaitProvisioningResult';

describe('provisioning that never reports back', () => {
  let h: FulfillmentHarness;
  beforeAll(async () => {
    // the provider completes only after an hour of real time: only the engine clock can move the order on
    h = await FulfillmentHarness.start({ simulator: { completionDelayMs: 3_600_000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('breaches its SLA when the engine clock passes it: compensation, order FALLOUT', async () => {
    const order = sampleOrder();
    const orderId = await h.submitOrder(order);
    const pik = await h.processInstanceOf(orderId);
    await h.pt.awaitActive(pik, AWAIT);
    await h.pt.advanceClock(2 * 60 * 60_000 + 60_000); // PROVISIONING_SLA = PT2H
    await h.awaitOrderStatus(orderId, 'FALLOUT');
    const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderFallout']);
    expect(passed).toEqual(expect.arrayContaining(['BoundaryEvent_ProvisioningSlaBreached', 'EndEvent_ProvisioningSlaBreached', 'IntermediateThrowEvent_CompensateProvisioning', 'ServiceTask_DeactivateService', 'ServiceTask_ReleaseInventory']));
    const ref = `${orderId}/${order.items[0]?.orderItemId}`;
    expect((await h.sideEffects({ system: 'inventory', operation: 'releaseReservation' })).map((e) => e.ref)).toContain(ref);
  });

  test('is cancelled on the customer request: everything done so far is compensated', async () => {
    const order = sampleOrder({ items: 2 });
    const orderId = await h.submitOrder(order);
    const pik = await h.processInstanceOf(orderId);
    await h.pt.awaitActive(pik, AWAIT, 2);
    await h.requestCancellation(orderId);
    await h.awaitOrderStatus(orderId, 'CANCELLED');
    const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderCancelledOnRequest']);
    expect(passed).toEqual(expect.arrayContaining(['IntermediateThrowEvent_CompensateOnCancellation', 'ServiceTask_DeactivateService', 'ServiceTask_ReleaseInventory']));
    const refs = order.items.map((i) => `${orderId}/${i.orderItemId}`);
    expect((await h.sideEffects({ system: 'inventory', operation: 'releaseReservation' })).map((e) => e.ref).filter((r) => refs.includes(r)).sort()).toEqual([...refs].sort());
    const deactivations = (await h.sideEffects({ system: 'provisioning', operation: 'submitServiceOrder' })).filter((e) => refs.includes(e.ref) && e.idempotencyKey?.endsWith(':DEACTIVATE'));
    expect(deactivations).toHaveLength(2);
  });
});

describe('a lost provisioning callback', () => {
  let h: FulfillmentHarness;
  beforeAll(async () => {
    // callbacks go nowhere: the result reaches the order only through the status poll
    h = await FulfillmentHarness.start({ env: { PROVISIONING_CALLBACK_URL: 'http://127.0.0.1:9/unreachable' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('is made up for by the status poll on the poll timer', async () => {
    const orderId = await h.submitOrder(sampleOrder());
    const pik = await h.processInstanceOf(orderId);
    await h.pt.awaitActive(pik, AWAIT);
    // the simulated provider finishes 300 ms after the submission: the poll must come after that
    // (the engine's own search answers at once, so the wait is no longer hidden in its lag)
    await sleep(1_000);
    await h.pt.advanceClock(5 * 60_000 + 1_000); // PROVISIONING_POLL_CYCLE = R/PT5M
    await h.awaitOrderStatus(orderId, 'COMPLETED');
    const passed = await h.pt.awaitPassed(pik, ['EndEvent_OrderCompleted']);
    expect(passed).toEqual(expect.arrayContaining(['BoundaryEvent_ProvisioningPollDue', 'ServiceTask_CheckProvisioningStatus', AWAIT]));
    const polls = (await h.attempts(orderId)).filter((a) => a.operation_code === 'CHECK_STATUS');
    expect(polls.length).toBeGreaterThanOrEqual(1);
  });
});
