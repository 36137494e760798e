import type { Engine } from '../../src/api.ts';
import { activateOne, pinnedEngine, projectResources, stateOf, T0, variablesOf, work } from './harness.ts';

describe('reconciliation models on the engine', () => {
  let engine: Engine & { clockControl: { now(): number } };
  beforeEach(async () => {
    engine = await pinnedEngine();
    await engine.deploy(projectResources());
  });
  afterEach(() => engine.close());

  const openCase = async (caseId: string) => {
    await engine.publishMessage({
      name: 'ReconciliationCaseOpened', correlationKey: caseId, messageId: caseId, timeToLive: 60_000,
      variables: { caseId, orderId: 'o-1', systemCode: 'BILLING', mismatchType: 'AMBIGUOUS', reconciliationRecheckDelay: 'PT30S' },
    });
    return [...engine.queries.processInstances()].find((record) => record.bpmnProcessId === 'reconciliation-case' && record.state === 'ACTIVE')!.processInstanceKey;
  };

  it('UNKNOWN waits the recheck delay, then REPAIRED resumes fulfillment', async () => {
    const key = await openCase('case-1');
    await work(engine, 'reconciliation.check-external-state.v1', { reconciliationOutcome: 'UNKNOWN', reconciliationChecks: 1 });
    await expect(activateOne(engine, 'reconciliation.check-external-state.v1')).rejects.toThrow();
    await engine.pinClock(T0 + 29_000);
    await expect(activateOne(engine, 'reconciliation.check-external-state.v1')).rejects.toThrow();
    await engine.pinClock(T0 + 30_000);
    await work(engine, 'reconciliation.check-external-state.v1', { reconciliationOutcome: 'REPAIRED', reconciliationChecks: 2 });
    await work(engine, 'reconciliation.resume-fulfillment.v1', { fulfillmentResumed: true });
    expect(stateOf(engine, key)).toBe('COMPLETED');
  });

  it('MANUAL_REVIEW asks a person (form reconciliation-decision); CANCEL_ORDER ends cancelled', async () => {
    const key = await openCase('case-2');
    await work(engine, 'reconciliation.check-external-state.v1', { reconciliationOutcome: 'MANUAL_REVIEW' });
    const task = [...engine.queries.userTasks()].find((record) => record.processInstanceKey === key)!;
    expect(task.formId).toBe('reconciliation-decision');
    await engine.completeUserTask(task.userTaskKey, { reconciliationDecision: 'CANCEL_ORDER', decidedBy: 'ops', decisionNote: null, externalReference: null });
    const apply = await activateOne(engine, 'reconciliation.apply-decision.v1');
    expect(JSON.parse(apply.variables)).toMatchObject({ reconciliationDecision: 'CANCEL_ORDER', decidedBy: 'ops' });
    await engine.completeJob(apply.key, { resumeFulfillment: false });
    expect(stateOf(engine, key)).toBe('COMPLETED');
    expect([...engine.queries.elementInstances(key)].some((record) => record.elementId === 'EndEvent_OrderCancelledByDecision')).toBe(true);
    expect(variablesOf(engine, key).reconciliationDecision).toBe('CANCEL_ORDER');
  });

  it('an unknown outcome (or none) takes the default flow to a person', async () => {
    const key = await openCase('case-3');
    await work(engine, 'reconciliation.check-external-state.v1', {});
    expect([...engine.queries.userTasks()].some((record) => record.processInstanceKey === key && record.state === 'CREATED')).toBe(true);
  });

  it('the sweep starts every minute from deployment, and stops when its definition is deleted', async () => {
    await expect(activateOne(engine, 'reconciliation.sweep-open-cases.v1')).rejects.toThrow();
    await engine.pinClock(T0 + 60_000);
    await work(engine, 'reconciliation.sweep-open-cases.v1', { casesStarted: 0 });
    await engine.pinClock(T0 + 120_000);
    await work(engine, 'reconciliation.sweep-open-cases.v1', { casesStarted: 0 });
    const sweep = [...engine.queries.processDefinitions()].find((definition) => definition.bpmnProcessId === 'reconciliation-sweep')!;
    await engine.deleteResource(sweep.processDefinitionKey);
    await engine.pinClock(T0 + 600_000);
    await expect(activateOne(engine, 'reconciliation.sweep-open-cases.v1')).rejects.toThrow();
  });
});
