// The chaos run's lost order, on the real stack: a replica is SIGKILLed while it waits for the
// provider's answer to a service activation the provider has already taken. The job runs again on
// another replica, finds the call abandoned (ambiguous) and opens a case; the reconciler finds the
// request at the provider, still PENDING, and repairs the ledger — recording the provider's request
// id on the fulfillment task, as a normal acceptance does. The resumed job then waits like after a
// normal submission, and the provider's own result (its callback, which comes after the repair)
// completes the order. The provider saw one activation.
import { sql } from 'slonik';
import { z } from 'zod';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { FarmReplica, replicaEnv } from '../support/farm-replica.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';

/** The provider finishes a request this long after taking it: well after the reconciler has looked. */
const PROVIDER_COMPLETION_MS = 40_000;

let h: FulfillmentHarness;
let replica: FarmReplica | undefined;
beforeAll(async () => {
  h = await FulfillmentHarness.start({ withoutFarm: true, simulator: { completionDelayMs: PROVIDER_COMPLETION_MS }, env: { RECONCILIATION_RECHECK_DELAY: 'PT2S' } });
});
afterAll(async () => {
  await replica?.stop();
  await h?.close();
});

test('a replica killed mid-activation: the repair records the provider request id and the order completes on the provider result, activated once', async () => {
  const order = sampleOrder();
  const item = order.items[0]!.orderItemId;
  // the provider takes the request at once and holds its answer: the replica is killed while it waits
  await h.fault({ system: 'provisioning', operation: 'submitServiceOrder', match: { itemRef: item }, fault: { type: 'timeout-after-commit', ms: 60_000 }, times: 1 });
  replica = FarmReplica.start('farm-killed', ['--model-suffix', h.suffix, '--concurrency', '4'], replicaEnv(h, { FARM_JOB_TIMEOUT_MS: '10000' }));
  await replica.awaitLog('farm ready');
  const orderId = await h.submitOrder(order);
  const ref = `${orderId}/${item}`;
  const activations = async () => (await h.sideEffects({ system: 'provisioning', operation: 'submitServiceOrder' })).filter((e) => e.ref === ref);
  await eventually('the provider to take the activation', async () => ((await activations()).length > 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
  replica.signal('SIGKILL');
  expect(await replica.exited).toEqual({ code: null, signal: 'SIGKILL' });

  // another replica takes over the order once the killed one's job has timed out
  await h.startFarm();
  await h.awaitOrderStatus(orderId, 'COMPLETED', 150_000);
  expect(await activations()).toHaveLength(1);

  const kase = await h.db.one(sql.type(z.object({ reconciliation_case_id: z.string(), status: z.string() }))`
    select reconciliation_case_id, status from reconciliation_case where order_id = ${orderId} and system_code = 'PROVISIONING'`);
  expect(kase.status).toBe('RESOLVED');
  const history = await h.db.any(sql.type(z.object({ action: z.string(), observed_state: z.unknown() }))`
    select action, observed_state from reconciliation_case_event where reconciliation_case_id = ${kase.reconciliation_case_id} order by recorded_at, event_id`);
  expect(history.map((e) => e.action)).toEqual(['OPENED', 'OBSERVED', 'REPAIRED', 'RESUMED']);
  // the reconciler saw the request still in progress: the result had yet to come
  const repaired = history.find((e) => e.action === 'REPAIRED')?.observed_state as { providerRequestId: string; status: string };
  expect(repaired.status).toBe('PENDING');

  const task = await h.db.one(sql.type(z.object({ status: z.string(), external_request_id: z.string().nullable(), last_external_call_id: z.string().nullable() }))`
    select status, external_request_id, last_external_call_id from fulfillment_task where order_id = ${orderId} and order_item_id = ${item} and task_type = 'ACTIVATE_SERVICE'`);
  expect(task).toMatchObject({ status: 'SUCCEEDED', external_request_id: repaired.providerRequestId });
  // the final result came from the provider itself (its callback), recorded on the repaired attempt
  const evidence = await h.db.anyFirst(sql.type(z.object({ detail: z.string().nullable() }))`
    select detail from external_call_evidence where external_call_id = ${task.last_external_call_id} and kind = 'CALLBACK' order by recorded_at`);
  expect(evidence[0]).toBe('callback: final result');
  const [attempt] = (await h.attempts(orderId)).filter((a) => a.operation_code === 'ACTIVATE_SERVICE');
  expect(attempt).toMatchObject({ status: 'SUCCEEDED', attempt_no: 1 });
}, 240_000);
