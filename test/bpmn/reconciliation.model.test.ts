// The reconciliation MODELS on the real engine, driven by scripted job handlers (not the farm): every
// path of reconciliation-case (repaired, safe to retry, rechecks on a timer, a person's decision,
// an outcome the model does not know) and the sweep's timer start. An isolated copy (suffixed
// process ids, job types, message, form) keeps these tests apart from the farm and other tests;
// it is deleted afterwards so the copy's sweep timer stops.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ElementInstanceView } from '../../src/platform/engine-search.ts';
import { ProcessTest, eventually, type IsolatedModel } from '../support/process-test.ts';
import { ScriptedWorkers, complete, type JobScript, type OrderScript } from './scripted-workers.ts';

const MODEL = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'reconciliation.bpmn');
const suffix = `r${randomUUID().slice(0, 8)}`;
const TEST_TIMEOUT_MS = 240_000;
/** The search side (element instances, user tasks) lags behind the engine, at times by a minute on a busy shared stack. */
const WAIT = { timeoutMs: 90_000 };

const T = {
  check: 'reconciliation.check-external-state.v1',
  apply: 'reconciliation.apply-decision.v1',
  resume: 'reconciliation.resume-fulfillment.v1',
  sweep: 'reconciliation.sweep-open-cases.v1',
} as const;

let pt: ProcessTest;
let model: IsolatedModel | undefined;
let workers: ScriptedWorkers;

beforeAll(async () => {
  pt = new ProcessTest();
  model = await pt.deployIsolatedCopy(MODEL, suffix);
  workers = await ScriptedWorkers.start(pt, model, { keyVariable: 'caseId' });
}, 60_000);

afterAll(async () => {
  // first the definitions (the sweep timer stops), then the handlers of what is still running
  if (model) await pt.deleteIsolatedCopy(model);
  workers?.close();
  await pt?.close();
});

const deployed = (): IsolatedModel => {
  if (!model) throw new Error('the isolated copy is not deployed');
  return model;
};

// --- helpers

interface Case {
  readonly caseId: string;
  readonly orderId: string;
  /** the process instance key */
  readonly pi: string;
  readonly variables: Readonly<Record<string, string>>;
}

let caseSeq = 0;

/**
 * Opens a case the way the farm does: a ReconciliationCaseOpened message keyed by the case id. The
 * recheck delay defaults to a day, so only the recheck test meets its timer. `script` answers this
 * case's jobs.
 */
async function openCase(opts: { script?: OrderScript; recheckDelay?: string } = {}): Promise<Case> {
  const m = deployed();
  const caseId = randomUUID();
  const orderId = `ord-${suffix}-${++caseSeq}`;
  if (opts.script) workers.script(caseId, opts.script);
  const variables = { caseId, orderId, systemCode: 'BILLING', mismatchType: 'AMBIGUOUS_OUTCOME', reconciliationRecheckDelay: opts.recheckDelay ?? 'P1D' };
  const pi = await pt.startByMessage(m.processId('reconciliation-case'), m.message('ReconciliationCaseOpened'), caseId, variables, 'caseId', WAIT);
  return { caseId, orderId, pi, variables };
}

/** The check answers these outcomes in turn (the last one repeats), counting its checks as the farm's worker does. */
const outcomes = (...seq: readonly string[]): JobScript => (c) => {
  const n = workers.count(c.key, T.check); // this call included
  return complete({
    reconciliationOutcome: seq[Math.min(n, seq.length) - 1],
    reconciliationChecks: n,
    expectedSummary: 'subscription for 2 services, 49.00 EUR monthly',
    observedSummary: n < seq.length ? 'no answer yet' : 'subscription sub-77 found, 49.00 EUR monthly',
  });
};

const count = (elements: readonly string[], id: string): number => elements.filter((e) => e === id).length;

/** Asserts the elements were first passed in this order. */
function expectInOrder(elements: readonly string[], ids: readonly string[]): void {
  const positions = ids.map((id) => elements.indexOf(id));
  expect(ids.filter((_, i) => positions[i] === -1)).toEqual([]);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

/** An active instance of the element other than the ones already seen (the search side lags behind completions). */
async function awaitNewActive(pi: string, elementId: string, seen: readonly string[]): Promise<ElementInstanceView> {
  return eventually(`a new active ${elementId} in ${pi}`, async () =>
    (await pt.search.elementInstances(pi)).find((e) => e.elementId === elementId && e.state === 'ACTIVE' && !seen.includes(e.key)), WAIT);
}

const SETTLED_PATH = ['StartEvent_CaseOpened', 'Gateway_BeforeCheck', 'ServiceTask_CheckExternalState', 'Gateway_CheckOutcome', 'Gateway_BeforeResume', 'ServiceTask_ResumeFulfillment', 'EndEvent_CaseResolved'];
const DECISION_PATH = ['Gateway_CheckOutcome', 'UserTask_DecideReconciliation', 'ServiceTask_ApplyDecision', 'Gateway_ResumeAfterDecision'];

// --- the model file

test('both processes are pools of one collaboration on the only diagram (Operate and Tasklist render the first diagram)', async () => {
  const xml = await readFile(MODEL, 'utf8');
  expect([...xml.matchAll(/<bpmndi:BPMNDiagram\b/g)]).toHaveLength(1);
  expect(xml).toMatch(/<bpmndi:BPMNPlane [^>]*bpmnElement="Collaboration_Reconciliation"/);
  const participants = [...xml.matchAll(/<bpmn:participant [^>]*processRef="([^"]+)"/g)].map((m) => m[1]);
  expect(participants).toEqual(['reconciliation-case', 'reconciliation-sweep']);
  expect(deployed().bpmnProcessIds).toEqual([`reconciliation-case-${suffix}`, `reconciliation-sweep-${suffix}`]);
});

// --- reconciliation-case

test('REPAIRED: fulfillment is resumed and the case resolved without a person', async () => {
  const c = await openCase({ script: { [T.check]: outcomes('REPAIRED') } });

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_CaseResolved'], WAIT);
  expectInOrder(passed, SETTLED_PATH);
  expect(passed).not.toContain('UserTask_DecideReconciliation');
  expect(passed).not.toContain('IntermediateCatchEvent_WaitBeforeRecheck');
  expect([T.check, T.apply, T.resume].map((t) => workers.count(c.caseId, t))).toEqual([1, 0, 1]);
  // the check gets the case as the publisher opened it
  expect(workers.calls(c.caseId, T.check)[0]?.variables).toEqual(c.variables);
  expect(workers.calls(c.caseId, T.resume)[0]?.variables).toMatchObject({ caseId: c.caseId, orderId: c.orderId, reconciliationOutcome: 'REPAIRED', reconciliationChecks: 1 });
}, TEST_TIMEOUT_MS);

test('SAFE_TO_RETRY: fulfillment is resumed (the job re-submits) and the case resolved', async () => {
  const c = await openCase({ script: { [T.check]: outcomes('SAFE_TO_RETRY') } });

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_CaseResolved'], WAIT);
  expectInOrder(passed, SETTLED_PATH);
  expect(passed).not.toContain('UserTask_DecideReconciliation');
  expect([T.check, T.apply, T.resume].map((t) => workers.count(c.caseId, t))).toEqual([1, 0, 1]);
  expect(workers.calls(c.caseId, T.resume)[0]?.variables).toMatchObject({ caseId: c.caseId, reconciliationOutcome: 'SAFE_TO_RETRY' });
}, TEST_TIMEOUT_MS);

test('UNKNOWN twice: the case waits the recheck delay (engine clock moved 11 s each time), checks again, then REPAIRED', async () => {
  const c = await openCase({ recheckDelay: 'PT10S', script: { [T.check]: outcomes('UNKNOWN', 'UNKNOWN', 'REPAIRED') } });

  const seen: string[] = [];
  for (let round = 1; round <= 2; round++) {
    // the timer exists once its catch event is active; then forward only, never back
    const timer = await awaitNewActive(c.pi, 'IntermediateCatchEvent_WaitBeforeRecheck', seen);
    seen.push(timer.key);
    await pt.advanceClock(11_000);
    await eventually(`check ${round + 1} of ${c.caseId}`, async () => (workers.count(c.caseId, T.check) > round ? true : undefined), WAIT);
  }

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_CaseResolved'], WAIT);
  expect([count(passed, 'ServiceTask_CheckExternalState'), count(passed, 'IntermediateCatchEvent_WaitBeforeRecheck'), count(passed, 'Gateway_BeforeCheck')]).toEqual([3, 2, 3]);
  expectInOrder(passed, ['ServiceTask_CheckExternalState', 'Gateway_CheckOutcome', 'IntermediateCatchEvent_WaitBeforeRecheck', 'Gateway_BeforeResume', 'ServiceTask_ResumeFulfillment', 'EndEvent_CaseResolved']);
  expect(passed).not.toContain('UserTask_DecideReconciliation');
  // every check asks about the same case; the last one's outcome and count reach the resume
  expect(workers.calls(c.caseId, T.check).map((call) => call.variables.caseId)).toEqual([c.caseId, c.caseId, c.caseId]);
  expect(workers.calls(c.caseId, T.check).map((call) => call.variables.reconciliationOutcome ?? null)).toEqual([null, 'UNKNOWN', 'UNKNOWN']);
  expect(workers.calls(c.caseId, T.resume)[0]?.variables).toMatchObject({ reconciliationOutcome: 'REPAIRED', reconciliationChecks: 3 });
}, TEST_TIMEOUT_MS);

test('MANUAL_REVIEW, decision RETRY: the decision with its decider reaches apply-decision, then fulfillment is resumed', async () => {
  const c = await openCase({ script: { [T.check]: outcomes('MANUAL_REVIEW') } });

  const task = await pt.awaitUserTask(c.pi, 'UserTask_DecideReconciliation', WAIT);
  expect(task.formKey).toBeTruthy();
  await pt.completeUserTask(task.key, { reconciliationDecision: 'RETRY', decidedBy: 'anna.ops', decisionNote: 'billing has no such subscription' });

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_CaseResolved'], WAIT);
  expectInOrder(passed, [...DECISION_PATH, 'Gateway_BeforeResume', 'ServiceTask_ResumeFulfillment', 'EndEvent_CaseResolved']);
  expect(passed).not.toContain('EndEvent_OrderCancelledByDecision');
  expect(workers.calls(c.caseId, T.apply)).toHaveLength(1);
  expect(workers.calls(c.caseId, T.apply)[0]?.variables).toMatchObject({
    caseId: c.caseId, reconciliationDecision: 'RETRY', decidedBy: 'anna.ops', decisionNote: 'billing has no such subscription', externalReference: null,
  });
  expect(workers.calls(c.caseId, T.resume)[0]?.variables).toMatchObject({ caseId: c.caseId, resumeFulfillment: true });
}, TEST_TIMEOUT_MS);

test('MANUAL_REVIEW, decision ACCEPT_EXTERNAL_STATE: the external reference reaches apply-decision, then fulfillment is resumed', async () => {
  const c = await openCase({ script: { [T.check]: outcomes('MANUAL_REVIEW') } });

  const task = await pt.awaitUserTask(c.pi, 'UserTask_DecideReconciliation', WAIT);
  await pt.completeUserTask(task.key, { reconciliationDecision: 'ACCEPT_EXTERNAL_STATE', decidedBy: 'ben.ops', externalReference: 'sub-77' });

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_CaseResolved'], WAIT);
  expectInOrder(passed, [...DECISION_PATH, 'ServiceTask_ResumeFulfillment', 'EndEvent_CaseResolved']);
  expect(workers.calls(c.caseId, T.apply)[0]?.variables).toMatchObject({ reconciliationDecision: 'ACCEPT_EXTERNAL_STATE', decidedBy: 'ben.ops', externalReference: 'sub-77', decisionNote: null });
}, TEST_TIMEOUT_MS);

test('MANUAL_REVIEW, decision CANCEL_ORDER: apply-decision answers resumeFulfillment=false and the case ends without resuming', async () => {
  const c = await openCase({ script: { [T.check]: outcomes('MANUAL_REVIEW'), [T.apply]: () => complete({ resumeFulfillment: false }) } });

  const task = await pt.awaitUserTask(c.pi, 'UserTask_DecideReconciliation', WAIT);
  await pt.completeUserTask(task.key, { reconciliationDecision: 'CANCEL_ORDER', decidedBy: 'anna.ops', decisionNote: 'customer withdrew' });

  await pt.awaitCompleted(c.pi, WAIT);
  const passed = await pt.awaitPassed(c.pi, ['EndEvent_OrderCancelledByDecision'], WAIT);
  expectInOrder(passed, [...DECISION_PATH, 'EndEvent_OrderCancelledByDecision']);
  expect(passed).not.toContain('EndEvent_CaseResolved');
  expect(workers.count(c.caseId, T.resume)).toBe(0);
  expect(workers.calls(c.caseId, T.apply)[0]?.variables).toMatchObject({ caseId: c.caseId, reconciliationDecision: 'CANCEL_ORDER', decidedBy: 'anna.ops', decisionNote: 'customer withdrew' });
}, TEST_TIMEOUT_MS);

test('an outcome the model does not know (or none at all) goes to a person, never round the loop', async () => {
  const odd = await openCase({ script: { [T.check]: outcomes('PARTIALLY_DONE') } });
  const none = await openCase({ script: { [T.check]: () => complete({ reconciliationChecks: 1, expectedSummary: 'x', observedSummary: 'y' }) } });

  for (const c of [odd, none]) {
    const task = await pt.awaitUserTask(c.pi, 'UserTask_DecideReconciliation', WAIT);
    expect(workers.count(c.caseId, T.check)).toBe(1);
    await pt.completeUserTask(task.key, { reconciliationDecision: 'CANCEL_ORDER', decidedBy: 'anna.ops' });
  }
  for (const c of [odd, none]) {
    await pt.awaitCompleted(c.pi, WAIT);
    const passed = await pt.awaitPassed(c.pi, ['EndEvent_OrderCancelledByDecision'], WAIT);
    expectInOrder(passed, ['ServiceTask_CheckExternalState', ...DECISION_PATH, 'EndEvent_OrderCancelledByDecision']);
    expect(passed).not.toContain('IntermediateCatchEvent_WaitBeforeRecheck');
    expect(count(passed, 'ServiceTask_CheckExternalState')).toBe(1);
  }
}, TEST_TIMEOUT_MS);

// --- reconciliation-sweep (last: its engine clock move is the largest)

test('the sweep timer (R/PT1M) starts a sweep once the engine clock is 61 s ahead', async () => {
  const m = deployed();
  // real time runs on too, so the copy's timer may have fired already: count only what comes after the move
  const before = workers.callsOfType(T.sweep).length;
  await pt.advanceClock(61_000);
  const sweep = await eventually('a sweep job', async () => workers.callsOfType(T.sweep)[before], WAIT);

  expect(sweep.elementId).toBe('ServiceTask_SweepOpenCases');
  expect(sweep.variables).toEqual({}); // the sweep needs none: it finds the open cases itself
  await pt.awaitCompleted(sweep.processInstanceKey, WAIT);
  const passed = await pt.awaitPassed(sweep.processInstanceKey, ['StartEvent_SweepDue', 'ServiceTask_SweepOpenCases', 'EndEvent_SweepDone'], WAIT);
  expect(passed).toEqual(['StartEvent_SweepDue', 'ServiceTask_SweepOpenCases', 'EndEvent_SweepDone']);
  expect((await pt.search.processInstance(sweep.processInstanceKey))?.processDefinitionId).toBe(m.processId('reconciliation-sweep'));
}, TEST_TIMEOUT_MS);
