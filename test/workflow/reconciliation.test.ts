// Runbook scenarios of seed 000 §29 on the real stack: an ambiguous outcome is reconciled by asking
// the external system, the stopped job resumes, and nothing is done twice; what the reconciler may
// not decide goes to a person, whose decision (given through the operator API, as Tasklist would)
// resumes or cancels the order. Every case keeps who or what decided.
import { sql } from 'slonik';
import { z } from 'zod';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';
import { stackSettings } from '../../stack/settings.ts';

// who the stack's operator token says it is (its sub): what every decision records
const OPERATOR = stackSettings().apiClients.find((client) => client.role === 'operator')?.clientId;

let h: FulfillmentHarness;
beforeAll(async () => {
  h = await FulfillmentHarness.start({
    env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500', RECONCILIATION_RECHECK_DELAY: 'PT2S', RECONCILIATION_MAX_CHECKS: '2' },
  });
});
afterAll(async () => {
  await h.close();
});

const caseOf = async (orderId: string) =>
  eventually(`a reconciliation case for ${orderId}`, async () =>
    (await h.db.maybeOne(sql.type(z.object({ reconciliation_case_id: z.string(), status: z.string(), mismatch_type: z.string() }))`
      select reconciliation_case_id, status, mismatch_type from reconciliation_case where order_id = ${orderId} order by detected_at limit 1`)) ?? undefined,
  );

const history = async (caseId: string) =>
  h.db.any(sql.type(z.object({ action: z.string(), actor: z.string() }))`
    select action, actor from reconciliation_case_event where reconciliation_case_id = ${caseId} order by recorded_at, event_id`);

async function expectNoOpenIncident(pik: string): Promise<void> {
  await eventually(`no open incident in ${pik}`, async () => ((await h.pt.search.incidents({ processInstanceKey: pik, state: 'ACTIVE' })).length === 0 ? true : undefined), { timeoutMs: 30_000 });
}

const billingSideEffects = (subscriptionId: string) => h.sideEffects({ system: 'billing', ref: subscriptionId });

test('billing did activate but the answer was lost: the reconciler records it, the job resumes, billing is called once', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED', 120_000);
  expect(await billingSideEffects(order.subscription.subscriptionId)).toHaveLength(1);
  const [billing] = (await h.attempts(orderId)).filter((a) => a.system_code === 'BILLING');
  expect(billing).toMatchObject({ status: 'SUCCEEDED', attempt_no: 1 });
  const kase = await caseOf(orderId);
  expect(kase.status).toBe('RESOLVED');
  expect((await history(kase.reconciliation_case_id)).map((e) => `${e.action}:${e.actor}`)).toEqual(['OPENED:reconciler', 'OBSERVED:reconciler', 'REPAIRED:reconciler', 'RESUMED:reconciler']);
  // the case names this harness's fulfillment copy: only the sweep of the same copy may pick it up
  expect(await h.db.oneFirst(sql.type(z.object({ bpmn_process_id: z.string().nullable() }))`
    select bpmn_process_id from reconciliation_case where reconciliation_case_id = ${kase.reconciliation_case_id}`)).toBe(h.processId);
  await expectNoOpenIncident(await h.processInstanceOf(orderId));
}, 150_000);

test('billing never received the activation: the reconciler marks it safe, the job sends it again, billing acts once', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'timeout-before-commit', ms: 4_000 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED', 120_000);
  expect(await billingSideEffects(order.subscription.subscriptionId)).toHaveLength(1);
  const [billing] = (await h.attempts(orderId)).filter((a) => a.system_code === 'BILLING');
  expect(billing).toMatchObject({ status: 'SUCCEEDED', attempt_no: 2 });
  const kase = await caseOf(orderId);
  expect((await history(kase.reconciliation_case_id)).map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'MARKED_SAFE_TO_RETRY', 'RESUMED']);
  await expectNoOpenIncident(await h.processInstanceOf(orderId));
}, 150_000);

test('marked safe to retry, then billing answers 503: the resumed job has its retries back and tries again with backoff', async () => {
  const order = sampleOrder();
  const match = { subscriptionId: order.subscription.subscriptionId };
  // rules apply in installation order: the first send is lost, the one after the resume meets a 503
  await h.fault({ system: 'billing', operation: 'activateSubscription', match, fault: { type: 'timeout-before-commit', ms: 4_000 }, times: 1 });
  await h.fault({ system: 'billing', operation: 'activateSubscription', match, fault: { type: 'status', status: 503 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED', 120_000);
  expect(await billingSideEffects(order.subscription.subscriptionId)).toHaveLength(1);
  const kase = await caseOf(orderId);
  expect((await history(kase.reconciliation_case_id)).map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'MARKED_SAFE_TO_RETRY', 'RESUMED']);
  const pik = await h.processInstanceOf(orderId);
  // the 503 after the resume was retried, not turned into an incident: the ambiguity's is the only one
  for (const incident of await h.pt.search.incidents({ processInstanceKey: pik })) expect(incident.errorMessage).toMatch(/^\[AMBIGUOUS_OUTCOME\]/);
  await expectNoOpenIncident(pik);
}, 150_000);

describe('when billing cannot be asked', () => {
  async function manualCase(): Promise<{ orderId: string; caseId: string; subscriptionId: string }> {
    const order = sampleOrder();
    const subscriptionId = order.subscription.subscriptionId;
    await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
    // the lookup by idempotency key fails every time: the outcome stays unknown past the cap
    await h.fault({ system: 'billing', operation: 'findActivations', fault: { type: 'status', status: 503 }, times: 4 });
    const orderId = await h.submitOrder(order);
    const kase = await eventually('the case to reach manual review', async () => {
      const c = await caseOf(orderId);
      return c.status === 'MANUAL_REVIEW' ? c : undefined;
    }, { timeoutMs: 90_000 });
    return { orderId, caseId: kase.reconciliation_case_id, subscriptionId };
  }

  async function decide(caseId: string, body: Record<string, unknown>): Promise<void> {
    await eventually('the decision to be accepted', async () => {
      const res = await h.fetchAs('operator', `/operator/cases/${caseId}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return res.status === 202 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1_000 });
  }

  test('a person decides RETRY in the decision task: the order resumes and is fulfilled, billing acts once', async () => {
    const { orderId, caseId, subscriptionId } = await manualCase();
    const details = (await (await h.fetchAs('viewer', `/operator/cases/${caseId}`)).json()) as { history: { action: string }[]; evidence: unknown[] };
    expect(details.history.map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'OBSERVED', 'ESCALATED']);
    expect(details.evidence.length).toBeGreaterThan(0);

    // a decidedBy in the body is ignored: the decision is the operator token's
    await decide(caseId, { decision: 'RETRY', decidedBy: 'alice', note: 'billing support confirmed nothing is active' });
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
    // billing deduplicated the repeated activation on our idempotency key
    expect(await billingSideEffects(subscriptionId)).toHaveLength(1);
    const actions = (await history(caseId)).map((e) => `${e.action}:${e.actor}`);
    expect(actions).toEqual(expect.arrayContaining(['ESCALATED:reconciler', `DECIDED:operator:${OPERATOR}`, 'RESUMED:reconciler']));
    await expectNoOpenIncident(await h.processInstanceOf(orderId));
  }, 200_000);

  test('a person decides CANCEL_ORDER: the order is cancelled and compensated, no incident remains', async () => {
    const { orderId, caseId } = await manualCase();
    await decide(caseId, { decision: 'CANCEL_ORDER' });
    await h.awaitOrderStatus(orderId, 'CANCELLED', 90_000);
    const pik = await h.processInstanceOf(orderId);
    expect(await h.pt.awaitPassed(pik, ['EndEvent_OrderCancelledOnRequest'])).toEqual(expect.arrayContaining(['ServiceTask_ReleaseInventory', 'ServiceTask_DeactivateService']));
    expect((await history(caseId)).map((e) => `${e.action}:${e.actor}`)).toContain(`DECIDED:operator:${OPERATOR}`);
    await expectNoOpenIncident(pik);
  }, 200_000);
});

test('provisioning took our request but the answer was lost: linked to the order, fulfilled, submitted once', async () => {
  const order = sampleOrder();
  const item = order.items[0]!.orderItemId;
  await h.fault({ system: 'provisioning', operation: 'submitServiceOrder', match: { itemRef: item }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED', 120_000);
  const submitted = (await h.sideEffects({ system: 'provisioning', operation: 'submitServiceOrder' })).filter((e) => e.ref === `${orderId}/${item}`);
  expect(submitted).toHaveLength(1);
  expect((await history((await caseOf(orderId)).reconciliation_case_id)).map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'REPAIRED', 'RESUMED']);
}, 150_000);

test('provisioning holds the reference for another order: fallout for a person, never disconnected automatically', async () => {
  const order = sampleOrder();
  const item = order.items[0]!.orderItemId;
  await h.fault({
    system: 'provisioning',
    operation: 'submitServiceOrder',
    match: { itemRef: item },
    fault: { type: 'status', status: 409, body: { errCd: 'DUP_TXN', errMsg: 'transaction reference already used', existingOrderRef: 'ORD-SOMEONE-ELSE', existingItemRef: 'item-9' } },
    times: 1,
  });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  await h.pt.awaitUserTask(pik, 'UserTask_ReviewExternalConflict');
  expect(await caseOf(orderId)).toMatchObject({ mismatch_type: 'DUPLICATE_CONFLICT', status: 'OPEN' });
  const deactivations = (await h.sideEffects({ system: 'provisioning', operation: 'submitServiceOrder' })).filter((e) => e.ref === `${orderId}/${item}` && e.idempotencyKey?.endsWith(':DEACTIVATE'));
  expect(deactivations).toHaveLength(0);
  await h.pt.zeebe.cancelProcessInstance(pik);
}, 120_000);

test('a notification whose answer was lost is not sent twice', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'notification', operation: 'sendMessage', match: { to: order.contact.email }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED', 120_000);
  const sent = (await h.sideEffects({ system: 'notification' })).filter((e) => e.ref.includes(orderId));
  expect(sent).toHaveLength(1);
  expect((await history((await caseOf(orderId)).reconciliation_case_id)).map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'REPAIRED', 'RESUMED']);
}, 150_000);
