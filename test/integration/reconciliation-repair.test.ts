// A worker killed in the middle of an external call, replayed on the real database against the
// simulated external systems (no engine: its messages are captured). The dead worker's try is left
// STARTED; its lease runs out; the job's next run finds it abandoned and opens a case; the
// reconciler observes what the external system did and repairs it. The repair must leave what a
// normal answer leaves — above all the provider's request id on the fulfillment task, without which
// the provisioning result can never reach the order — and the resumed job must act as after a
// normal answer. Results that came while the request was unknown are delivered from the inbox.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSimulators, type RunningSimulators } from '../../simulators/server.ts';
import { acceptOrder } from '../../src/core/use-cases/accept-order.ts';
import { activateBilling } from '../../src/core/use-cases/activate-billing.ts';
import { activateService } from '../../src/core/use-cases/activate-service.ts';
import { reserveInventory } from '../../src/core/use-cases/reserve-inventory.ts';
import { notifyCustomer } from '../../src/core/use-cases/notify-customer.ts';
import type { FarmServices } from '../../src/core/services.ts';
import type { MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import type { SystemPorts } from '../../src/core/ports/systems.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { retryDueInboxEvents } from '../../src/events/inbox-retries.ts';
import { inboxRetryHandlers } from '../../src/core/provisioning-results/inbox-handlers.ts';
import { deliverProvisioningResult, UNKNOWN_REQUEST_ATTEMPTS } from '../../src/core/provisioning-results/result-inbox.ts';
import { createFarmServices } from '../../src/main/services.ts';
import { MESSAGES } from '../../src/core/domain/bpmn-errors.ts';
import type { EngineAction } from '../../src/core/ports/engine-action.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { checkCase } from '../../src/core/reconciliation/reconcile-case.ts';
import type { JobInfo } from '../../src/worker-runtime/define-worker.ts';
import { adapterUrlsFor } from '../../simulators/endpoints.ts';

type Published = Parameters<MessagePublisher['publish']>[0];
const log = createLogger('reconciliation-repair-test', 'silent');
const published: Published[] = [];
let sims: RunningSimulators;
let db: DatabasePool;
let s: FarmServices;

beforeAll(async () => {
  // the provider keeps every request PENDING for the whole test: its result comes only when the test says
  sims = await startSimulators({ port: 0, host: '127.0.0.1', completionDelayMs: 10 * 60_000 });
  const config = loadConfig({ ...process.env, ...adapterUrlsFor(sims.url) });
  db = await createDatabasePool(config, 'reconciliation-repair-test');
  // the engine is never asked here (the case is checked, not resumed); its messages are captured
  s = { ...createFarmServices(config, db, {} as never, log), messages: { publish: async (m) => void published.push(m) } };
});
afterAll(async () => {
  await sims?.close();
  await db?.end();
});

let jobs = 0;
const job = (type: string): JobInfo => {
  jobs += 1;
  return { key: `job-${jobs}-${randomUUID()}`, type, retries: 3, processInstanceKey: 'pi-test', bpmnProcessId: 'order-fulfillment', elementId: 'ServiceTask', elementInstanceKey: `el-${jobs}`, tenantId: '<default>', deadline: Date.now() + 60_000 };
};

type Answer = { externalRequestId?: string };
type PortMethod = (...args: unknown[]) => Promise<Answer>;

/** Services whose `method` of `system` is `replace(real)`: the rest of the ports as they are. */
function withPortMethod(system: keyof SystemPorts, method: string, replace: (real: PortMethod) => PortMethod): FarmServices {
  const swap = (ports: SystemPorts): SystemPorts => {
    const port = new Proxy(ports[system] as object, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== 'function') return value;
        const call: PortMethod = (...args) => (value as PortMethod).apply(target, args);
        return prop === method ? replace(call) : call;
      },
    });
    return new Proxy(ports, { get: (target, prop) => (prop === system ? port : Reflect.get(target, prop)) });
  };
  return { ...s, portsFor: (tenantId) => swap(s.portsFor(tenantId)) };
}

/** Services whose `method` of `system` sends the request and then never answers: the worker dies there. */
function diesAfterSending(system: keyof SystemPorts, method: string): { services: FarmServices; sent: Promise<Answer> } {
  let onSent: (answer: Answer) => void = () => undefined;
  const sent = new Promise<Answer>((resolve) => (onSent = resolve));
  const services = withPortMethod(system, method, (real) => async (...args) => (onSent(await real(...args)), new Promise<Answer>(() => undefined)));
  return { services, sent };
}

const attemptRow = z.object({ external_call_id: z.string(), status: z.string(), external_request_id: z.string().nullable(), external_reference_id: z.string().nullable() });
const attemptOf = (orderId: string, operation: string) =>
  db.maybeOne(sql.type(attemptRow)`
    select external_call_id, status, external_request_id, external_reference_id from external_call_attempt
    where operation_code = ${operation} and (business_object_id = ${orderId} or business_object_id like ${`${orderId}/%`} or idempotency_key like ${`%:${orderId}:%`})`);
const taskRow = z.object({ fulfillment_task_id: z.string(), status: z.string(), external_request_id: z.string().nullable(), external_reference_id: z.string().nullable(), last_external_call_id: z.string().nullable(), result: z.unknown() });
const taskOf = (orderId: string, taskType: string) =>
  db.one(sql.type(taskRow)`
    select fulfillment_task_id, status, external_request_id, external_reference_id, last_external_call_id, result from fulfillment_task
    where order_id = ${orderId} and task_type = ${taskType}`);

type Step = (services: FarmServices) => Promise<EngineAction>;

/** The chaos run's start: a worker dies in `step` after its request reached the external system. */
async function dieMidCall(step: Step, system: keyof SystemPorts, method: string): Promise<{ externalRequestId?: string }> {
  const dying = diesAfterSending(system, method);
  void step(dying.services);
  return dying.sent;
}

/**
 * The rest up to the repair: the dead try's lease runs out (hastened here); the job runs again,
 * finds the attempt abandoned and opens a case; the reconciler checks the case.
 */
async function rerunAndReconcile(orderId: string, operation: string, taskType: string, step: Step, o: { taskUnlinked?: boolean } = {}) {
  const started = await attemptOf(orderId, operation);
  expect(started?.status).toBe('STARTED');
  if (!started) throw new Error('no attempt');
  await db.query(sql.unsafe`update external_call_attempt set lease_expires_at = now() - interval '1 second' where external_call_id = ${started.external_call_id}`);

  const rerun = await step(s);
  expect(rerun).toMatchObject({ kind: 'fail', retries: 0 });
  expect((rerun as { message: string }).message).toContain('[AMBIGUOUS_OUTCOME]');
  const caseId = await db.oneFirst(sql.type(z.object({ reconciliation_case_id: z.string() }))`
    select reconciliation_case_id from reconciliation_case where external_call_id = ${started.external_call_id}`);
  // the run that found the call abandoned recorded it on the task, as a timed-out call is
  expect(await taskOf(orderId, taskType)).toMatchObject({ status: 'AMBIGUOUS', last_external_call_id: started.external_call_id });
  if (o.taskUnlinked) {
    // as a case opened by a farm that did not link the task yet left it: the repair finds the task by the call's scope
    await db.query(sql.unsafe`update fulfillment_task set status = 'IN_PROGRESS', last_external_call_id = null where order_id = ${orderId} and task_type = ${taskType}`);
  }
  const checked = await checkCase(s, caseId, 'reconciliation-pi-test');
  return { externalCallId: started.external_call_id, caseId, checked };
}

const sideEffects = async (system: string) => (await (await fetch(`${sims.url}/__sim/side-effects?system=${system}`)).json()) as { operation: string; ref: string }[];

const accept = async () => {
  const order = sampleOrder();
  const r = await acceptOrder({ db, messages: s.messages, provisioningPollCycle: 'R/PT5M', provisioningSla: 'PT2H' }, order, randomUUID());
  if (r.kind !== 'accepted') throw new Error(`order not accepted: ${r.kind}`);
  return { order, orderId: r.order.orderId, itemId: order.items[0]!.orderItemId };
};

test('a provisioning activation whose worker died mid-call: the repair records the request id, the resumed job waits for the result, and results kept in the inbox reach the order', async () => {
  const { orderId, itemId } = await accept();
  const input = { orderId, orderItemId: itemId };
  const step: Step = (services) => activateService(services, job('activate-service'), input);
  const providerRequestId = (await dieMidCall(step, 'provisioning', 'submit')).externalRequestId ?? '';
  expect(providerRequestId).not.toBe('');

  // the provider's result arrives while no task knows the request: once by event (kept for retry),
  // once by callback (retried until given up)
  const result = { providerRequestId, status: 'SUCCEEDED' as const, serviceInstanceId: 'SVC-1' };
  const early = { eventType: 'ServiceOrderStatusChanged', sourceTopic: 'test:provisioning.results', channel: 'EVENT' as const, result, snapshot: result };
  expect(await deliverProvisioningResult(db, s.messages, { ...early, eventId: randomUUID() })).toBe('FAILED_RETRYABLE');
  const givenUp = randomUUID();
  for (let i = 0; i < UNKNOWN_REQUEST_ATTEMPTS; i++) await deliverProvisioningResult(db, s.messages, { ...early, eventId: givenUp, channel: 'CALLBACK' });
  expect(await db.oneFirst(sql.type(z.object({ status: z.string() }))`select status from inbox_event where event_id = ${givenUp}`)).toBe('FAILED_PERMANENT');

  const { externalCallId, checked } = await rerunAndReconcile(orderId, 'ACTIVATE_SERVICE', 'ACTIVATE_SERVICE', step);
  expect(checked.reconciliationOutcome).toBe('REPAIRED');

  // what a normal acceptance writes, written by the repair
  expect(await attemptOf(orderId, 'ACTIVATE_SERVICE')).toMatchObject({ status: 'PENDING', external_request_id: providerRequestId });
  const task = await taskOf(orderId, 'ACTIVATE_SERVICE');
  expect(task).toMatchObject({ status: 'WAITING_EXTERNAL', external_request_id: providerRequestId, last_external_call_id: externalCallId, result: { providerRequestId } });

  // the resumed job completes as after a normal submission: the model waits for this task's result
  expect(await step(s)).toEqual({ kind: 'complete', variables: { provisioningTaskId: task.fulfillment_task_id, providerRequestId } });
  expect((await sideEffects('provisioning')).filter((e) => e.ref === `${orderId}/${itemId}`)).toHaveLength(1);

  // both kept results are due now and find the task
  const scope = sql.fragment`subject_id = ${providerRequestId}`;
  expect(await retryDueInboxEvents(db, inboxRetryHandlers(db, s.messages), log, { scope })).toBe(2);
  const inbox = await db.anyFirst(sql.type(z.object({ status: z.string() }))`select status from inbox_event where subject_id = ${providerRequestId}`);
  expect(inbox).toEqual(['PROCESSED', 'PROCESSED']);
  const completed = published.filter((m) => m.name === MESSAGES.provisioningCompleted && m.correlationKey === task.fulfillment_task_id);
  expect(completed[0]).toMatchObject({ variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: 'SVC-1' } });
  expect(await taskOf(orderId, 'ACTIVATE_SERVICE')).toMatchObject({ status: 'SUCCEEDED' });
});

test('a provisioning result that arrives before its submission is stored is due the moment the acceptance is recorded, not after its backoff', async () => {
  const { orderId, itemId } = await accept();
  // a fast provider: its result is in before the ledger has stored the answer of the submission
  let keptEventId = '';
  const fast = withPortMethod('provisioning', 'submit', (real) => async (...args) => {
    const answer = await real(...args);
    const result = { providerRequestId: answer.externalRequestId ?? '', status: 'SUCCEEDED' as const, serviceInstanceId: 'SVC-FAST' };
    keptEventId = randomUUID();
    const early = await deliverProvisioningResult(db, s.messages, { eventId: keptEventId, eventType: 'ServiceOrderStatusChanged', sourceTopic: 'test:provisioning.results', channel: 'CALLBACK', result, snapshot: result });
    expect(early).toBe('FAILED_RETRYABLE');
    const kept = await db.one(sql.type(z.object({ due: z.boolean() }))`select next_attempt_at <= now() as due from inbox_event where event_id = ${keptEventId}`);
    expect(kept.due).toBe(false); // kept with a backoff: the request was unknown
    return answer;
  });
  const action = await activateService(fast, job('activate-service'), { orderId, orderItemId: itemId });
  expect(action).toMatchObject({ kind: 'complete' });

  const kept = await db.one(sql.type(z.object({ status: z.string(), due: z.boolean() }))`select status, next_attempt_at <= now() as due from inbox_event where event_id = ${keptEventId}`);
  expect(kept).toEqual({ status: 'FAILED_RETRYABLE', due: true });
  const providerRequestId = (await taskOf(orderId, 'ACTIVATE_SERVICE')).external_request_id ?? '';
  expect(await retryDueInboxEvents(db, inboxRetryHandlers(db, s.messages), log, { scope: sql.fragment`subject_id = ${providerRequestId}` })).toBe(1);
  expect(await taskOf(orderId, 'ACTIVATE_SERVICE')).toMatchObject({ status: 'SUCCEEDED' });
});

const lifecycle = (orderId: string, type: string) =>
  db.any(sql.type(z.object({ envelope: z.object({ causationId: z.string(), payload: z.record(z.string(), z.unknown()) }) }))`
    select envelope from outbox_event where message_key = ${orderId} and event_type = ${type}`);

test('an inventory reservation whose worker died mid-call: the repair records the reservation id (compensation can release it) and announces it', async () => {
  const { orderId, itemId } = await accept();
  const step: Step = (services) => reserveInventory(services, job('reserve-inventory'), { orderId, orderItemId: itemId });
  await dieMidCall(step, 'inventory', 'reserve');
  const { externalCallId, caseId, checked } = await rerunAndReconcile(orderId, 'RESERVE_RESOURCE', 'RESERVE_INVENTORY', step);
  expect(checked.reconciliationOutcome).toBe('REPAIRED');

  const reservationId = (await attemptOf(orderId, 'RESERVE_RESOURCE'))?.external_reference_id;
  expect(reservationId).toEqual(expect.any(String));
  expect(await taskOf(orderId, 'RESERVE_INVENTORY')).toMatchObject({ status: 'SUCCEEDED', external_reference_id: reservationId, last_external_call_id: externalCallId, result: { reservationId } });
  expect(await lifecycle(orderId, 'InventoryReserved')).toEqual([{ envelope: expect.objectContaining({ causationId: `case:${caseId}`, payload: expect.objectContaining({ orderItemId: itemId, reservationId }) }) }]);
  expect(await step(s)).toEqual({ kind: 'complete', variables: { reservationId } });
});

test('a billing activation whose worker died mid-call, its task never linked to the attempt: the repair still records the billing reference on it and announces it', async () => {
  const { order, orderId } = await accept();
  const step: Step = (services) => activateBilling(services, job('activate-billing'), { orderId });
  await dieMidCall(step, 'billing', 'activate');
  const { externalCallId, caseId, checked } = await rerunAndReconcile(orderId, 'ACTIVATE_SUBSCRIPTION', 'ACTIVATE_BILLING', step, { taskUnlinked: true });
  expect(checked.reconciliationOutcome).toBe('REPAIRED');

  const billingReference = (await attemptOf(orderId, 'ACTIVATE_SUBSCRIPTION'))?.external_reference_id;
  expect(billingReference).toEqual(expect.any(String));
  expect(await taskOf(orderId, 'ACTIVATE_BILLING')).toMatchObject({ status: 'SUCCEEDED', external_reference_id: billingReference, last_external_call_id: externalCallId, result: { externalBillingId: billingReference } });
  expect(await lifecycle(orderId, 'BillingActivated')).toEqual([
    { envelope: expect.objectContaining({ causationId: `case:${caseId}`, payload: expect.objectContaining({ subscriptionId: order.subscription.subscriptionId, billingReference }) }) },
  ]);
  expect(await step(s)).toEqual({ kind: 'complete', variables: { billingReference } });
});

/** The notification worker's request is held on its way (a slow network, a busy provider) and the worker dies; `land` lets it reach the provider. */
function notificationHeldInFlight(): { services: FarmServices; land: () => Promise<Answer> } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let landed: Promise<Answer> | undefined;
  const services = withPortMethod('notification', 'send', (real) => async (...args) => {
    await gate;
    landed = real(...args);
    await landed;
    return new Promise<Answer>(() => undefined);
  });
  return { services, land: async () => (open(), await eventuallyDefined(() => landed)) };
}
const eventuallyDefined = async <T>(get: () => Promise<T> | undefined): Promise<T> => {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const value = get();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the held request never left');
};
const ageCase = (caseId: string, seconds: number) =>
  db.query(sql.unsafe`update reconciliation_case set detected_at = detected_at - make_interval(secs => ${seconds}) where reconciliation_case_id = ${caseId}`);
const messagesFor = async (orderId: string) => (await sideEffects('notification')).filter((e) => e.ref.includes(orderId));

test('a notification still in flight when its case is checked: "not found" is only early at a provider that does not deduplicate, and the late message is repaired, never sent twice', async () => {
  const { orderId } = await accept();
  const step: Step = (services) => notifyCustomer(services, job('notify-customer'), { orderId });
  const held = notificationHeldInFlight();
  void step(held.services);
  await eventuallyDefined(() => attemptOf(orderId, 'SEND_ORDER_CONFIRMATION').then((a) => (a?.status === 'STARTED' ? a : undefined)));
  const { caseId, checked } = await rerunAndReconcile(orderId, 'SEND_ORDER_CONFIRMATION', 'NOTIFY_CUSTOMER', step);
  // nothing at the provider yet: not taken as "never sent" within RECONCILIATION_ABSENCE_SETTLE_MS
  expect(checked).toMatchObject({ reconciliationOutcome: 'UNKNOWN', observedSummary: expect.stringContaining('does not deduplicate') });
  expect(await messagesFor(orderId)).toHaveLength(0);

  await held.land();
  expect(await messagesFor(orderId)).toHaveLength(1);
  await ageCase(caseId, 61);
  expect((await checkCase(s, caseId, 'reconciliation-pi-test')).reconciliationOutcome).toBe('REPAIRED');
  expect(await step(s)).toMatchObject({ kind: 'complete' });
  expect(await messagesFor(orderId)).toHaveLength(1);
});

test('a notification that never reached the provider is sent again once the absence has settled, and only then', async () => {
  const { orderId } = await accept();
  const step: Step = (services) => notifyCustomer(services, job('notify-customer'), { orderId });
  void step(notificationHeldInFlight().services); // never lands
  await eventuallyDefined(() => attemptOf(orderId, 'SEND_ORDER_CONFIRMATION').then((a) => (a?.status === 'STARTED' ? a : undefined)));
  const { caseId, checked } = await rerunAndReconcile(orderId, 'SEND_ORDER_CONFIRMATION', 'NOTIFY_CUSTOMER', step);
  expect(checked.reconciliationOutcome).toBe('UNKNOWN');
  await ageCase(caseId, 61);
  expect((await checkCase(s, caseId, 'reconciliation-pi-test')).reconciliationOutcome).toBe('SAFE_TO_RETRY');
  expect(await step(s)).toMatchObject({ kind: 'complete' });
  expect(await messagesFor(orderId)).toHaveLength(1);
});
