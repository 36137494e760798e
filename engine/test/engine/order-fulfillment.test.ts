import type { Engine } from '../../src/api.ts';
import { activateOne, pinnedEngine, projectResources, stateOf, T0, variablesOf, work } from './harness.ts';

async function startOrder(engine: Engine, orderId: string, items: string[]) {
  await engine.publishMessage({
    name: 'OrderAccepted', correlationKey: orderId, messageId: orderId, timeToLive: 60_000,
    variables: { orderId, tenantId: 't1', correlationId: 'c1', orderItemIds: items, provisioningPollCycle: 'R/PT5M', provisioningSla: 'PT2H' },
  });
  const instance = [...engine.queries.processInstances()].find((record) => record.bpmnProcessId === 'order-fulfillment' && record.state === 'ACTIVE');
  if (!instance) throw new Error('no order instance started');
  return instance.processInstanceKey;
}

async function reserveAndSubmit(engine: Engine, items: string[]) {
  await work(engine, 'crm.validate-customer-account.v1', { accountStatus: 'ACTIVE', billingAccountId: 'ba-1' });
  for (const item of items) {
    const job = await activateOne(engine, 'inventory.reserve-resource.v1');
    await engine.completeJob(job.key, { reservationId: `r-${JSON.parse(job.variables).orderItemId}` });
    void item;
  }
  for (const _item of items) {
    const job = await activateOne(engine, 'provisioning.activate-service.v1');
    const { orderItemId } = JSON.parse(job.variables) as { orderItemId: string };
    await engine.completeJob(job.key, { provisioningTaskId: `pt-${orderItemId}`, providerRequestId: `pr-${orderItemId}` });
  }
}

describe('order-fulfillment on the engine', () => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await pinnedEngine();
    const deployment = await engine.deploy(projectResources());
    expect(deployment.deployments.map((resource) => (resource.kind === 'process' ? resource.bpmnProcessId : resource.formId)).sort()).toEqual(
      ['billing-fallout', 'external-conflict', 'order-fulfillment', 'reconciliation-case', 'reconciliation-decision', 'reconciliation-sweep'],
    );
  });
  afterEach(() => engine.close());

  it('a redeploy of the same resources returns the same versions and keys', async () => {
    const first = [...engine.queries.processDefinitions()].map((definition) => definition.processDefinitionKey);
    const again = await engine.deploy(projectResources());
    expect(again.deployments.filter((resource) => resource.kind === 'process').map((resource) => resource.kind === 'process' && resource.processDefinitionKey).sort()).toEqual([...first].sort());
  });

  it('walks the happy path: account, reservations, provisioning results, billing, notification, completed', async () => {
    const items = ['i1', 'i2'];
    const key = await startOrder(engine, 'o-1', items);
    await reserveAndSubmit(engine, items);
    // one result arrives before its receive task could exist? here both after
    await engine.publishMessage({ name: 'ProvisioningCompleted', correlationKey: 'pt-i1', timeToLive: 60_000, variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's1' } });
    await engine.publishMessage({ name: 'ProvisioningCompleted', correlationKey: 'pt-i2', timeToLive: 60_000, variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's2' } });
    await work(engine, 'billing.activate-subscription.v1', { billingReference: 'b-1' });
    await work(engine, 'notification.send-order-confirmation.v1', { notificationId: 'n-1' });
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'COMPLETED' });
    await engine.completeJob(mark.key, { orderStatus: 'COMPLETED' });
    expect(stateOf(engine, key)).toBe('COMPLETED');
    const variables = variablesOf(engine, key);
    expect(variables.inventoryReservations).toEqual([{ orderItemId: 'i1', reservationId: 'r-i1' }, { orderItemId: 'i2', reservationId: 'r-i2' }]);
    expect(variables.provisioningResults).toEqual([
      { orderItemId: 'i1', provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's1', provisioningFailureReason: null },
      { orderItemId: 'i2', provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's2', provisioningFailureReason: null },
    ]);
    expect(variables.reservationId).toBeUndefined();
  });

  it('refuses a second instance for the same order while one is active', async () => {
    await startOrder(engine, 'o-2', ['i1']);
    await engine.publishMessage({ name: 'OrderAccepted', correlationKey: 'o-2', messageId: 'o-2-again', timeToLive: 0, variables: { orderId: 'o-2' } });
    expect([...engine.queries.processInstances()].filter((record) => record.bpmnProcessId === 'order-fulfillment')).toHaveLength(1);
    await expect(engine.publishMessage({ name: 'OrderAccepted', correlationKey: 'o-2', messageId: 'o-2', timeToLive: 60_000 })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('an unavailable item releases the reserved ones and records REJECTED', async () => {
    const key = await startOrder(engine, 'o-3', ['i1', 'i2']);
    await work(engine, 'crm.validate-customer-account.v1', { accountStatus: 'ACTIVE' });
    const first = await activateOne(engine, 'inventory.reserve-resource.v1');
    await engine.completeJob(first.key, { reservationId: 'r-1' });
    const second = await activateOne(engine, 'inventory.reserve-resource.v1');
    await engine.throwError({ jobKey: second.key, errorCode: 'INVENTORY_UNAVAILABLE', errorMessage: 'none left', variables: { falloutReason: 'OUT_OF_STOCK', evidenceId: 'e-1' } });
    const release = await activateOne(engine, 'inventory.release-resource.v1');
    expect(JSON.parse(release.variables)).toMatchObject({ orderItemId: 'i1', reservationId: 'r-1' });
    expect(() => activateOne(engine, 'inventory.release-resource.v1')).rejects.toThrow();
    await engine.completeJob(release.key, { released: true });
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'REJECTED' });
    await engine.completeJob(mark.key, {});
    expect(stateOf(engine, key)).toBe('COMPLETED');
    expect(variablesOf(engine, key)).toMatchObject({ falloutReason: 'OUT_OF_STOCK', evidenceId: 'e-1' });
  });

  it('a cancellation while results are awaited deactivates and releases every item, then records CANCELLED', async () => {
    const key = await startOrder(engine, 'o-4', ['i1']);
    await reserveAndSubmit(engine, ['i1']);
    await engine.publishMessage({ name: 'OrderCancellationRequested', correlationKey: 'o-4', timeToLive: 0 });
    const release = await activateOne(engine, 'inventory.release-resource.v1');
    const deactivate = await activateOne(engine, 'provisioning.deactivate-service.v1');
    expect(JSON.parse(deactivate.variables)).toMatchObject({ orderItemId: 'i1', provisioningTaskId: 'pt-i1', providerRequestId: 'pr-i1' });
    await engine.completeJob(release.key, {});
    await expect(activateOne(engine, 'order.record-status.v1')).rejects.toThrow();
    await engine.completeJob(deactivate.key, {});
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'CANCELLED' });
    await engine.completeJob(mark.key, {});
    expect(stateOf(engine, key)).toBe('COMPLETED');
  });

  it('the SLA timer ends an item FAILED and the order goes to fallout; the poll timer polls meanwhile', async () => {
    const key = await startOrder(engine, 'o-5', ['i1']);
    await reserveAndSubmit(engine, ['i1']);
    await engine.pinClock(T0 + 5 * 60_000 + 1);
    await work(engine, 'provisioning.check-status.v1', { provisioningPollStatus: 'PENDING' });
    await engine.pinClock(T0 + 2 * 3_600_000 + 10);
    // the poll that came due on the way (one, not one per missed cycle) still runs: the item waits for it
    expect(variablesOf(engine, key).provisioningResults).toBeUndefined();
    await work(engine, 'provisioning.check-status.v1', { provisioningPollStatus: 'PENDING' });
    const results = variablesOf(engine, key).provisioningResults;
    expect(results).toEqual([{ orderItemId: 'i1', provisioningStatus: 'FAILED', serviceInstanceId: null, provisioningFailureReason: 'SLA_BREACHED' }]);
    // fallout compensates both stages
    await work(engine, 'provisioning.deactivate-service.v1');
    await work(engine, 'inventory.release-resource.v1');
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'FALLOUT' });
  });

  it('billing rejected → user task with its form; RETRY goes back to billing', async () => {
    const key = await startOrder(engine, 'o-6', ['i1']);
    await reserveAndSubmit(engine, ['i1']);
    await engine.publishMessage({ name: 'ProvisioningCompleted', correlationKey: 'pt-i1', timeToLive: 60_000, variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's1' } });
    const billing = await activateOne(engine, 'billing.activate-subscription.v1');
    await engine.throwError({ jobKey: billing.key, errorCode: 'BILLING_REJECTED', errorMessage: 'no', variables: { falloutReason: 'CARD', evidenceId: 'e' } });
    const task = [...engine.queries.userTasks()].find((record) => record.processInstanceKey === key && record.state === 'CREATED');
    expect(task).toMatchObject({ elementId: 'UserTask_ResolveBillingFallout', formId: 'billing-fallout' });
    expect(task?.formKey).toBeDefined();
    await engine.assignUserTask(task!.userTaskKey, 'ops', false);
    await engine.completeUserTask(task!.userTaskKey, { falloutDecision: 'RETRY', falloutNote: 'fixed', other: 'not propagated' });
    expect(variablesOf(engine, key)).toMatchObject({ falloutDecision: 'RETRY', falloutNote: 'fixed' });
    expect(variablesOf(engine, key).other).toBeUndefined();
    await work(engine, 'billing.activate-subscription.v1', { billingReference: 'b' });
  });

  it('an EXTERNAL_CONFLICT anywhere opens the conflict review; KEEP_AS_FALLOUT records FALLOUT', async () => {
    const key = await startOrder(engine, 'o-7', ['i1']);
    const job = await activateOne(engine, 'crm.validate-customer-account.v1');
    await engine.throwError({ jobKey: job.key, errorCode: 'EXTERNAL_CONFLICT', errorMessage: 'x', variables: { falloutReason: 'CONFLICT', evidenceId: 'e9' } });
    const task = [...engine.queries.userTasks()].find((record) => record.processInstanceKey === key && record.state === 'CREATED');
    expect(task?.elementId).toBe('UserTask_ReviewExternalConflict');
    await engine.completeUserTask(task!.userTaskKey, { falloutDecision: 'KEEP_AS_FALLOUT' });
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'FALLOUT' });
    await engine.completeJob(mark.key, {});
    expect(stateOf(engine, key)).toBe('COMPLETED');
    expect(variablesOf(engine, key)).toMatchObject({ falloutReason: 'CONFLICT', evidenceId: 'e9' });
  });

  it('a refused submission goes to fallout: accepted submissions deactivated, every reservation released', async () => {
    const key = await startOrder(engine, 'o-8', ['i1', 'i2']);
    await work(engine, 'crm.validate-customer-account.v1', {});
    await work(engine, 'inventory.reserve-resource.v1', { reservationId: 'r1' });
    await work(engine, 'inventory.reserve-resource.v1', { reservationId: 'r2' });
    const accepted = await activateOne(engine, 'provisioning.activate-service.v1');
    await engine.completeJob(accepted.key, { provisioningTaskId: 'pt-ok', providerRequestId: 'pr-ok' });
    const refused = await activateOne(engine, 'provisioning.activate-service.v1');
    await engine.throwError({ jobKey: refused.key, errorCode: 'PROVISIONING_REJECTED', errorMessage: 'no', variables: { falloutReason: 'REFUSED', evidenceId: 'e' } });
    const deactivations = await engine.activateJobs({ type: 'provisioning.deactivate-service.v1', worker: 'w', timeout: 1000, maxJobsToActivate: 10, fetchVariable: ['provisioningTaskId'] });
    expect(deactivations.map((job) => JSON.parse(job.variables))).toEqual([{ provisioningTaskId: 'pt-ok' }]);
    const releases = await engine.activateJobs({ type: 'inventory.release-resource.v1', worker: 'w', timeout: 1000, maxJobsToActivate: 10, fetchVariable: ['reservationId'] });
    expect(releases.map((job) => JSON.parse(job.variables).reservationId).sort()).toEqual(['r1', 'r2']);
    for (const job of [...deactivations, ...releases]) await engine.completeJob(job.key, {});
    const mark = await activateOne(engine, 'order.record-status.v1');
    expect(JSON.parse(mark.customHeaders)).toEqual({ orderStatus: 'FALLOUT' });
    await engine.completeJob(mark.key, {});
    expect(stateOf(engine, key)).toBe('COMPLETED');
  });

  it('a provisioning result published before its receive task exists waits in the buffer', async () => {
    const key = await startOrder(engine, 'o-9', ['i1']);
    await work(engine, 'crm.validate-customer-account.v1', {});
    await work(engine, 'inventory.reserve-resource.v1', { reservationId: 'r1' });
    const submit = await activateOne(engine, 'provisioning.activate-service.v1');
    await engine.publishMessage({ name: 'ProvisioningCompleted', correlationKey: 'pt-early', timeToLive: 60_000, variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's' } });
    await engine.completeJob(submit.key, { provisioningTaskId: 'pt-early', providerRequestId: 'pr' });
    await work(engine, 'billing.activate-subscription.v1', {});
    expect(variablesOf(engine, key).provisioningResults).toEqual([{ orderItemId: 'i1', provisioningStatus: 'SUCCEEDED', serviceInstanceId: 's', provisioningFailureReason: null }]);
  });
});
