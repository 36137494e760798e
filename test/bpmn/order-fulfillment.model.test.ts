// The order-fulfillment MODEL on the real engine, driven by scripted job handlers (not the farm):
// every path of bpmn/README.md, which elements it passed, which compensation handlers ran and how
// the order ended. An isolated copy (suffixed process id, job types, messages, forms) keeps these
// tests apart from the farm and other tests running against the same engine.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ProcessTest, eventually, type IsolatedModel } from '../support/process-test.ts';
import type { UserTaskView } from '../../src/platform/engine-search.ts';
import { ScriptedWorkers, bpmnError, complete, provisioningTaskIdOf, type JobScript } from './scripted-workers.ts';

const MODEL = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'order-fulfillment.bpmn');
const suffix = `m${randomUUID().slice(0, 8)}`;
const TEST_TIMEOUT_MS = 240_000;
/** The search side (element instances, user tasks) lags behind the engine, at times by a minute on a busy shared stack. */
const WAIT = { timeoutMs: 90_000 };

const T = {
  validate: 'crm.validate-customer-account.v1',
  reserve: 'inventory.reserve-resource.v1',
  release: 'inventory.release-resource.v1',
  submit: 'provisioning.activate-service.v1',
  deactivate: 'provisioning.deactivate-service.v1',
  checkStatus: 'provisioning.check-status.v1',
  billing: 'billing.activate-subscription.v1',
  notify: 'notification.send-order-confirmation.v1',
  recordStatus: 'order.record-status.v1',
} as const;

let pt: ProcessTest;
let model: IsolatedModel;
let workers: ScriptedWorkers;

beforeAll(async () => {
  pt = new ProcessTest();
  model = await pt.deployIsolatedCopy(MODEL, suffix);
  workers = await ScriptedWorkers.start(pt, model);
}, 60_000);

afterAll(async () => {
  workers?.close();
  await pt?.close();
});

// --- helpers

interface Order {
  readonly orderId: string;
  readonly orderItemIds: readonly string[];
  /** the process instance key */
  readonly pi: string;
}

let orderSeq = 0;

/**
 * Starts an order the way the intake does: an OrderAccepted message keyed by the order id. Timers
 * default to days away, so only the timer tests meet them. `script` answers this order's jobs.
 */
async function startOrder(items: number, opts: { script?: Partial<Record<string, JobScript>>; provisioningPollCycle?: string; provisioningSla?: string } = {}): Promise<Order> {
  const orderId = `ord-${suffix}-${++orderSeq}`;
  const orderItemIds = Array.from({ length: items }, (_, i) => `${orderId}-item-${i + 1}`);
  if (opts.script) workers.script(orderId, opts.script);
  const variables = {
    orderId,
    tenantId: 'tenant-model-test',
    correlationId: randomUUID(),
    orderItemIds,
    provisioningPollCycle: opts.provisioningPollCycle ?? 'R/P1D',
    provisioningSla: opts.provisioningSla ?? 'P7D',
  };
  const pi = await pt.startByMessage(model.bpmnProcessId, model.message('OrderAccepted'), orderId, variables, 'orderId', WAIT);
  return { orderId, orderItemIds, pi };
}

/** Delivers an item's provisioning result the way the result channels do: a ProvisioningCompleted message keyed by its task id. */
async function deliverResult(orderId: string, orderItemId: string, provisioningStatus: 'SUCCEEDED' | 'FAILED', failureReason?: string): Promise<void> {
  await pt.publishMessage(model.message('ProvisioningCompleted'), provisioningTaskIdOf(orderId, orderItemId), {
    provisioningStatus,
    ...(provisioningStatus === 'SUCCEEDED' ? { serviceInstanceId: `svc-${orderItemId}` } : {}),
    ...(failureReason ? { provisioningFailureReason: failureReason } : {}),
  });
}

const count = (elements: readonly string[], id: string): number => elements.filter((e) => e === id).length;

/** Elements an event interrupted (an error boundary terminates its task, an event subprocess the rest). */
const interrupted = async (pi: string): Promise<string[]> => (await pt.path(pi)).filter((e) => e.state === 'TERMINATED').map((e) => e.elementId);

/** Asserts the elements were first passed in this order. */
function expectInOrder(elements: readonly string[], ids: readonly string[]): void {
  const positions = ids.map((id) => elements.indexOf(id));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

const statuses = (orderId: string): unknown[] => workers.calls(orderId, T.recordStatus).map((c) => c.headers.orderStatus);

/** The next open user task of the element, other than the ones already handled (the search side lags behind completions). */
async function awaitUserTask(pi: string, elementId: string, handled: readonly string[] = []): Promise<UserTaskView> {
  return eventually(`a new ${elementId} in ${pi}`, async () => {
    const tasks = await pt.search.userTasks({ processInstanceKey: pi, state: 'CREATED' });
    return tasks.find((t) => t.elementId === elementId && !handled.includes(t.key));
  }, WAIT);
}

/** Waits until every item's receive task is active, i.e. the submissions are done and their timers exist. */
const awaitResultsAwaited = (order: Order): Promise<unknown> => pt.awaitActive(order.pi, 'ReceiveTask_AwaitProvisioningResult', order.orderItemIds.length, WAIT);

// --- the paths

test('happy path: two items are reserved and provisioned, then billing, confirmation and COMPLETED', async () => {
  const order = await startOrder(2);
  await awaitResultsAwaited(order);
  for (const item of order.orderItemIds) await deliverResult(order.orderId, item, 'SUCCEEDED');

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['ServiceTask_MarkOrderCompleted', 'EndEvent_OrderCompleted'], WAIT);
  expectInOrder(passed, [
    'StartEvent_OrderAccepted', 'ServiceTask_ValidateCustomerAccount', 'ServiceTask_ReserveInventory', 'Gateway_InventoryReserved',
    'ServiceTask_SubmitProvisioning', 'Gateway_ProvisioningAccepted', 'ReceiveTask_AwaitProvisioningResult', 'Gateway_ServicesActive',
    'ServiceTask_ActivateBilling', 'ServiceTask_NotifyCustomer', 'ServiceTask_MarkOrderCompleted', 'EndEvent_OrderCompleted',
  ]);
  for (const perItem of ['ServiceTask_ReserveInventory', 'EndEvent_ItemReserved', 'ServiceTask_SubmitProvisioning', 'ReceiveTask_AwaitProvisioningResult', 'EndEvent_ServiceActive']) {
    expect([perItem, count(passed, perItem)]).toEqual([perItem, 2]);
  }
  expect(workers.calls(order.orderId, T.reserve).map((c) => c.orderItemId).sort()).toEqual([...order.orderItemIds]);
  expect(workers.calls(order.orderId, T.submit).map((c) => c.orderItemId).sort()).toEqual([...order.orderItemIds]);
  expect([T.release, T.deactivate, T.checkStatus].map((t) => workers.count(order.orderId, t))).toEqual([0, 0, 0]);
  expect(workers.count(order.orderId, T.billing)).toBe(1);
  expect(workers.count(order.orderId, T.notify)).toBe(1);
  expect(statuses(order.orderId)).toEqual(['COMPLETED']);
  // every item's result reached its own instance (correlated by provisioningTaskId)
  const results = workers.calls(order.orderId, T.billing)[0]?.variables.provisioningResults;
  expect(results).toEqual(order.orderItemIds.map((id) => ({ orderItemId: id, provisioningStatus: 'SUCCEEDED', serviceInstanceId: `svc-${id}`, provisioningFailureReason: null })));
}, TEST_TIMEOUT_MS);

test('CUSTOMER_ACCOUNT_REJECTED: the order is marked REJECTED without reserving anything', async () => {
  const order = await startOrder(2, { script: { [T.validate]: () => bpmnError('CUSTOMER_ACCOUNT_REJECTED', 'ACCOUNT_SUSPENDED: account is suspended') } });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderRejected'], WAIT);
  expectInOrder(passed, ['StartEvent_OrderAccepted', 'BoundaryEvent_CustomerAccountRejected', 'Gateway_OrderRejected', 'ServiceTask_MarkOrderRejected', 'EndEvent_OrderRejected']);
  expect(await interrupted(order.pi)).toEqual(['ServiceTask_ValidateCustomerAccount']);
  expect(passed).not.toContain('SubProcess_ReserveInventory');
  expect(workers.count(order.orderId, T.reserve)).toBe(0);
  expect(statuses(order.orderId)).toEqual(['REJECTED']);
  // the rejection's reason and evidence are mapped out of the error for the operator
  expect(workers.calls(order.orderId, T.recordStatus)[0]?.variables).toMatchObject({ falloutReason: 'ACCOUNT_SUSPENDED: account is suspended', evidenceId: 'ev-customer_account_rejected' });
}, TEST_TIMEOUT_MS);

test('INVENTORY_UNAVAILABLE: the reservations already made are released, then REJECTED', async () => {
  const order = await startOrder(3, {
    script: { [T.reserve]: (c) => (c.orderItemId?.endsWith('-item-2') ? bpmnError('INVENTORY_UNAVAILABLE', 'OUT_OF_STOCK: no port left') : complete({ reservationId: `res-${c.orderItemId}` })) },
  });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderRejected'], WAIT);
  expect(count(passed, 'EndEvent_ItemReserved')).toBe(2);
  expect(count(passed, 'EndEvent_ItemUnavailable')).toBe(1);
  expectInOrder(passed, ['Gateway_InventoryReserved', 'IntermediateThrowEvent_CompensateReservations', 'ServiceTask_ReleaseInventory', 'ServiceTask_MarkOrderRejected', 'EndEvent_OrderRejected']);
  expect(passed).not.toContain('SubProcess_SubmitProvisioning');
  // exactly the two reserved items are released, each with its reservation
  const released = workers.calls(order.orderId, T.release).map((c) => [c.orderItemId, c.variables.reservationId]);
  expect(released.sort()).toEqual([order.orderItemIds[0], order.orderItemIds[2]].map((id) => [id, `res-${id}`]));
  expect(workers.count(order.orderId, T.submit)).toBe(0);
  expect(statuses(order.orderId)).toEqual(['REJECTED']);
}, TEST_TIMEOUT_MS);

test('provisioning FAILED: submitted services are deactivated and reservations released, then FALLOUT', async () => {
  const order = await startOrder(2);
  const [ok, failing] = order.orderItemIds as [string, string];
  await awaitResultsAwaited(order);
  await deliverResult(order.orderId, ok, 'SUCCEEDED');
  await deliverResult(order.orderId, failing, 'FAILED', 'PORT_DEFECT');

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderFallout'], WAIT);
  expect([count(passed, 'EndEvent_ServiceActive'), count(passed, 'EndEvent_ProvisioningFailed')]).toEqual([1, 1]);
  expectInOrder(passed, ['Gateway_ServicesActive', 'Gateway_ProvisioningFallout', 'IntermediateThrowEvent_CompensateProvisioning', 'ServiceTask_MarkOrderFallout', 'EndEvent_OrderFallout']);
  expect(passed).toEqual(expect.arrayContaining(['ServiceTask_DeactivateService', 'ServiceTask_ReleaseInventory']));
  expect(workers.calls(order.orderId, T.deactivate).map((c) => [c.orderItemId, c.variables.provisioningTaskId]).sort()).toEqual(order.orderItemIds.map((id) => [id, provisioningTaskIdOf(order.orderId, id)]));
  expect(workers.calls(order.orderId, T.release).map((c) => c.orderItemId).sort()).toEqual([...order.orderItemIds]);
  expect(workers.count(order.orderId, T.billing)).toBe(0);
  expect(statuses(order.orderId)).toEqual(['FALLOUT']);
  expect(workers.calls(order.orderId, T.recordStatus)[0]?.variables.provisioningResults).toEqual(expect.arrayContaining([
    expect.objectContaining({ orderItemId: failing, provisioningStatus: 'FAILED', provisioningFailureReason: 'PORT_DEFECT' }),
  ]));
}, TEST_TIMEOUT_MS);

test('PROVISIONING_REJECTED at submission: only accepted submissions are deactivated, reservations released, FALLOUT', async () => {
  const order = await startOrder(2, {
    script: { [T.submit]: (c) => (c.orderItemId?.endsWith('-item-2') ? bpmnError('PROVISIONING_REJECTED', 'UNSUPPORTED_SPEC: no such service') : complete({ provisioningTaskId: provisioningTaskIdOf(c.orderId, c.orderItemId ?? ''), providerRequestId: 'pr-1' })) },
  });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderFallout'], WAIT);
  expectInOrder(passed, ['BoundaryEvent_ProvisioningRejected', 'Gateway_ProvisioningAccepted', 'Gateway_ProvisioningFallout', 'IntermediateThrowEvent_CompensateProvisioning', 'EndEvent_OrderFallout']);
  expect(passed).not.toContain('SubProcess_AwaitProvisioning');
  expect(workers.calls(order.orderId, T.deactivate).map((c) => c.orderItemId)).toEqual([order.orderItemIds[0]]);
  expect(workers.count(order.orderId, T.release)).toBe(2);
  expect(statuses(order.orderId)).toEqual(['FALLOUT']);
}, TEST_TIMEOUT_MS);

test('BILLING_REJECTED: the operator retries billing, then cancels; the order is compensated and CANCELLED', async () => {
  const order = await startOrder(2, { script: { [T.billing]: () => bpmnError('BILLING_REJECTED', 'CREDIT_LIMIT: limit exceeded') } });
  await awaitResultsAwaited(order);
  for (const item of order.orderItemIds) await deliverResult(order.orderId, item, 'SUCCEEDED');

  const first = await awaitUserTask(order.pi, 'UserTask_ResolveBillingFallout');
  expect(first.formKey).toBeTruthy();
  await pt.completeUserTask(first.key, { falloutDecision: 'RETRY', falloutNote: 'limit raised' });
  const second = await awaitUserTask(order.pi, 'UserTask_ResolveBillingFallout', [first.key]);
  await pt.completeUserTask(second.key, { falloutDecision: 'CANCEL', falloutNote: 'customer withdrew' });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderCancelled'], WAIT);
  expect(count(passed, 'ServiceTask_ActivateBilling')).toBe(0); // both attempts were rejected
  expect(count(passed, 'UserTask_ResolveBillingFallout')).toBe(2);
  expectInOrder(passed, ['BoundaryEvent_BillingRejected', 'UserTask_ResolveBillingFallout', 'Gateway_BillingFalloutDecision', 'IntermediateThrowEvent_CompensateOnBillingCancel', 'ServiceTask_MarkOrderCancelled', 'EndEvent_OrderCancelled']);
  expect(workers.count(order.orderId, T.billing)).toBe(2);
  expect([workers.count(order.orderId, T.deactivate), workers.count(order.orderId, T.release)]).toEqual([2, 2]);
  expect(workers.count(order.orderId, T.notify)).toBe(0);
  expect(statuses(order.orderId)).toEqual(['CANCELLED']);
  expect(workers.calls(order.orderId, T.recordStatus)[0]?.variables).toMatchObject({ falloutDecision: 'CANCEL', falloutNote: 'customer withdrew', falloutReason: 'CREDIT_LIMIT: limit exceeded' });
}, TEST_TIMEOUT_MS);

test('OrderCancellationRequested while results are awaited: compensation, then CANCELLED', async () => {
  const order = await startOrder(2);
  await awaitResultsAwaited(order);
  await pt.publishMessage(model.message('OrderCancellationRequested'), order.orderId, { cancellationReason: 'customer request' });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderCancelledOnRequest'], WAIT);
  expectInOrder(passed, ['StartEvent_OrderCancellationRequested', 'IntermediateThrowEvent_CompensateOnCancellation', 'ServiceTask_MarkOrderCancelledOnRequest', 'EndEvent_OrderCancelledOnRequest']);
  expect(passed).toEqual(expect.arrayContaining(['ServiceTask_DeactivateService', 'ServiceTask_ReleaseInventory']));
  expect(passed).not.toContain('ReceiveTask_AwaitProvisioningResult'); // interrupted
  expect([workers.count(order.orderId, T.deactivate), workers.count(order.orderId, T.release)]).toEqual([2, 2]);
  expect(workers.count(order.orderId, T.billing)).toBe(0);
  expect(statuses(order.orderId)).toEqual(['CANCELLED']);
}, TEST_TIMEOUT_MS);

test('EXTERNAL_CONFLICT in billing: review task, CANCEL compensates and records CANCELLED', async () => {
  const order = await startOrder(2, { script: { [T.billing]: () => bpmnError('EXTERNAL_CONFLICT', 'subscription exists with other charges') } });
  await awaitResultsAwaited(order);
  for (const item of order.orderItemIds) await deliverResult(order.orderId, item, 'SUCCEEDED');

  const review = await awaitUserTask(order.pi, 'UserTask_ReviewExternalConflict');
  expect(review.formKey).toBeTruthy();
  await pt.completeUserTask(review.key, { falloutDecision: 'CANCEL', falloutNote: 'duplicate order' });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderCancelledAfterConflict'], WAIT);
  expectInOrder(passed, ['StartEvent_ExternalConflict', 'UserTask_ReviewExternalConflict', 'Gateway_ConflictDecision', 'IntermediateThrowEvent_CompensateAfterConflict', 'ServiceTask_MarkOrderCancelledAfterConflict', 'EndEvent_OrderCancelledAfterConflict']);
  expect(passed).not.toContain('BoundaryEvent_BillingRejected');
  expect([workers.count(order.orderId, T.deactivate), workers.count(order.orderId, T.release)]).toEqual([2, 2]);
  expect(statuses(order.orderId)).toEqual(['CANCELLED']);
  expect(workers.calls(order.orderId, T.recordStatus)[0]?.variables).toMatchObject({ falloutReason: 'subscription exists with other charges', evidenceId: 'ev-external_conflict' });
}, TEST_TIMEOUT_MS);

test('EXTERNAL_CONFLICT in a reservation: review task, KEEP_AS_FALLOUT records FALLOUT and undoes nothing', async () => {
  const order = await startOrder(2, {
    script: { [T.reserve]: (c) => (c.orderItemId?.endsWith('-item-2') ? bpmnError('EXTERNAL_CONFLICT', 'reservation key holds another order') : complete({ reservationId: `res-${c.orderItemId}` })) },
  });

  const review = await awaitUserTask(order.pi, 'UserTask_ReviewExternalConflict');
  await pt.completeUserTask(review.key, { falloutDecision: 'KEEP_AS_FALLOUT', falloutNote: 'inventory team repairs it' });

  await pt.awaitCompleted(order.pi, WAIT);
  const passed = await pt.awaitPassed(order.pi, ['EndEvent_OrderFalloutAfterConflict'], WAIT);
  expectInOrder(passed, ['StartEvent_ExternalConflict', 'UserTask_ReviewExternalConflict', 'Gateway_ConflictDecision', 'ServiceTask_MarkOrderFalloutAfterConflict', 'EndEvent_OrderFalloutAfterConflict']);
  expect(passed).not.toContain('Gateway_InventoryReserved'); // the reservation stage was interrupted
  expect([workers.count(order.orderId, T.release), workers.count(order.orderId, T.submit)]).toEqual([0, 0]);
  expect(statuses(order.orderId)).toEqual(['FALLOUT']);
}, TEST_TIMEOUT_MS);

// Last in the file: moving the controlled clock moves the broker's scheduler clock too, so putting it
// back (afterAll) delays the broker's own scheduled work (exporter flushes, so search results) by
// as long as it was ahead. One small move serves both timers.
describe('timers, by moving the engine clock 31 s ahead once', () => {
  let late: Order;
  let polled: Order;

  beforeAll(async () => {
    late = await startOrder(1, { provisioningSla: 'PT30S' });
    polled = await startOrder(1, {
      provisioningPollCycle: 'R/PT30S',
      script: {
        // like the farm's worker: a final status found by polling is delivered as the result message
        [T.checkStatus]: async (c) => {
          await deliverResult(c.orderId, c.orderItemId ?? '', 'SUCCEEDED');
          return complete({ provisioningPollStatus: 'SUCCEEDED' });
        },
      },
    });
    // the timers exist once the receive tasks are active
    await awaitResultsAwaited(late);
    await awaitResultsAwaited(polled);
    // forward only, never back (see ProcessTest.advanceClock)
    await pt.advanceClock(31_000);
  }, TEST_TIMEOUT_MS);

  test('the SLA timer fails a result that does not arrive in time: compensation, then FALLOUT', async () => {
    await pt.awaitCompleted(late.pi, WAIT);
    const passed = await pt.awaitPassed(late.pi, ['EndEvent_OrderFallout'], WAIT);
    expectInOrder(passed, ['BoundaryEvent_ProvisioningSlaBreached', 'EndEvent_ProvisioningSlaBreached', 'Gateway_ServicesActive', 'IntermediateThrowEvent_CompensateProvisioning', 'EndEvent_OrderFallout']);
    expect(await interrupted(late.pi)).toEqual(['ReceiveTask_AwaitProvisioningResult']);
    expect([workers.count(late.orderId, T.deactivate), workers.count(late.orderId, T.release)]).toEqual([1, 1]);
    expect(statuses(late.orderId)).toEqual(['FALLOUT']);
    expect(workers.calls(late.orderId, T.recordStatus)[0]?.variables.provisioningResults).toEqual([
      { orderItemId: late.orderItemIds[0], provisioningStatus: 'FAILED', serviceInstanceId: null, provisioningFailureReason: 'SLA_BREACHED' },
    ]);
  }, TEST_TIMEOUT_MS);

  test('the poll timer checks the status; a final status it finds completes the wait', async () => {
    await pt.awaitCompleted(polled.pi, WAIT);
    const passed = await pt.awaitPassed(polled.pi, ['EndEvent_ProvisioningPolled', 'EndEvent_OrderCompleted'], WAIT);
    expectInOrder(passed, ['BoundaryEvent_ProvisioningPollDue', 'ServiceTask_CheckProvisioningStatus', 'EndEvent_ServiceActive', 'EndEvent_OrderCompleted']);
    expect(passed).toContain('ReceiveTask_AwaitProvisioningResult');
    const checks = workers.calls(polled.orderId, T.checkStatus);
    expect(checks).toHaveLength(1);
    expect(checks[0]?.variables).toMatchObject({ orderItemId: polled.orderItemIds[0], provisioningTaskId: provisioningTaskIdOf(polled.orderId, polled.orderItemIds[0] ?? '') });
    expect(statuses(polled.orderId)).toEqual(['COMPLETED']);
  }, TEST_TIMEOUT_MS);
});
