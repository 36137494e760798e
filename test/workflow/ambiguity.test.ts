// Outcomes nobody can know from the response: a billing call that timed out after the request was
// sent, and a job handed to a second worker while the first is still calling. Neither may cause a
// second side effect.
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { retryOrderIncidents } from '../../src/core/use-cases/retry-incidents.ts';

describe('billing times out after the request was sent', () => {
  let h: FulfillmentHarness;
  beforeAll(async () => {
    h = await FulfillmentHarness.start({ env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500', RECONCILIATION_RECHECK_DELAY: 'PT10S' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('a reconciliation case is opened, the incident names it, and billing is not called again', async () => {
    const order = sampleOrder();
    await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
    // Billing's status lookup is down at first: the reconciler cannot repair the case yet, so the
    // incident stays open long enough for the search side to show it (a repair within seconds
    // resolved it before Operate had imported it).
    await h.fault({ system: 'billing', operation: 'findActivations', fault: { type: 'status', status: 503 }, times: -1 });
    const orderId = await h.submitOrder(order);
    const pik = await h.processInstanceOf(orderId);
    const incident = await h.pt.awaitIncident(pik, 'ServiceTask_ActivateBilling');
    const [kase] = await h.cases(orderId);
    expect(kase?.status).not.toBe('RESOLVED');
    expect(kase).toMatchObject({ system_code: 'BILLING', mismatch_type: 'AMBIGUOUS_OUTCOME' });
    expect(incident.errorMessage).toMatch(/^\[AMBIGUOUS_OUTCOME\] BILLING activate-subscription/);
    expect(incident.errorMessage).toContain(`Reconciliation case ${kase?.reconciliation_case_id}`);
    expect(incident.errorMessage).toMatch(/Do not retry by hand/);
    // and the operator's retry refuses it while the case is open
    expect(await retryOrderIncidents(h.db, engineOverGateway(h.config, h.pt.zeebe), h.pt.search, orderId)).toEqual({
      kind: 'refused',
      reason: expect.stringContaining(`open reconciliation case(s) ${kase?.reconciliation_case_id}`),
    });

    // the lookup comes back; the billing system did act (the request committed there) — once: the
    // reconciler's next check observes the subscription, repairs the ledger and resumes the order
    // without a second activation
    await h.clearFaults();
    await h.awaitOrderStatus(orderId, 'COMPLETED', 60_000);
    expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
    const billing = (await h.attempts(orderId)).filter((a) => a.system_code === 'BILLING');
    // one attempt, repaired to SUCCEEDED from what the reconciler observed
    expect(billing).toEqual([expect.objectContaining({ attempt_no: 1, status: 'SUCCEEDED' })]);
    expect((await h.cases(orderId)).map((c) => c.status)).toEqual(['RESOLVED']);
  }, 90_000);
});

describe('a job whose timeout is shorter than its handler', () => {
  let h: FulfillmentHarness;
  beforeAll(async () => {
    // the engine hands the job out again after 2 s while the billing call takes 5 s
    h = await FulfillmentHarness.start({ jobTimeoutMs: 2_000, env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '10000' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('is activated twice but causes exactly one external side effect', async () => {
    const order = sampleOrder();
    await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'latency', ms: 5_000 }, times: -1 });
    const orderId = await h.submitOrder(order);
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
    expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
    const billing = (await h.attempts(orderId)).filter((a) => a.system_code === 'BILLING');
    expect(billing).toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempt_no: 1 })]);
    // the second activation found the call in flight and waited for it instead of sending again
    const activations = await h.db.oneFirst((await import('slonik')).sql.type((await import('zod')).z.object({ n: (await import('zod')).z.number() }))`
      select count(*)::int as n from external_call_evidence e join external_call_attempt a using (external_call_id)
      where a.idempotency_key like ${`billing-activation:%:${orderId}:%`}`);
    expect(activations).toBe(1);
  }, 120_000);
});
