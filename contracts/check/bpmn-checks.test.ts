// The BPMN checks on a copy of the models with one drift seeded each: the check fails, and the
// findings the drift adds name the file and the element (whatever else the repository holds at the
// moment does not count: `added` compares with the copy before the seed).
import { z } from 'zod';
import { bpmnErrors } from './checks/bpmn-errors.ts';
import { bpmnLint } from './checks/bpmn-lint.ts';
import { bpmnNaming } from './checks/bpmn-naming.ts';
import { jobTypes } from './checks/job-types.ts';
import { processVariables } from './checks/process-variables.ts';
import { DriftFixture } from './testing/drift-fixture.ts';
import type { WorkerContract } from './worker-registry.ts';

const MODEL = 'bpmn/order-fulfillment.bpmn';
const RECONCILIATION = 'bpmn/reconciliation.bpmn';
const noSeed = () => undefined;
let fx: DriftFixture;

beforeEach(() => {
  fx = DriftFixture.create();
});
afterEach(() => fx.remove());

const withWorker = (type: string, change: (w: WorkerContract) => WorkerContract) => ({ workers: (real: WorkerContract[]) => real.map((w) => (w.type === type ? change(w) : w)) });

describe('bpmn-naming', () => {
  test('a generated element id fails, naming file and id', async () => {
    const added = await fx.added(bpmnNaming, () => {
      fx.edit(MODEL, /"ServiceTask_NotifyCustomer"/g, '"Activity_0x1abcd"');
      fx.edit(MODEL, 'Shape_ServiceTask_NotifyCustomer', 'Shape_Activity_0x1abcd');
    });
    expect(added).toEqual([expect.stringMatching(/bpmn\/order-fulfillment\.bpmn \| Activity_0x1abcd \| ServiceTask id Activity_0x1abcd is a generated id/)]);
  });

  test('a random-looking suffix, a wrong kind, a message, an error code, a job type and a process id that break the rules', async () => {
    const added = await fx.added(bpmnNaming, () => {
      fx.edit(MODEL, /"Gateway_OrderRejected"/g, '"Gateway_OrderRejected_k3j9x2p"');
      fx.edit(MODEL, /"EndEvent_OrderCompleted"/g, '"Task_OrderCompleted"');
      fx.edit(MODEL, 'name="OrderCancellationRequested"', 'name="order-cancellation-requested"');
      fx.edit(MODEL, 'errorCode="BILLING_REJECTED"', 'errorCode="billingRejected"');
      fx.edit(MODEL, 'type="notification.send-order-confirmation.v1"', 'type="sendOrderConfirmation"');
      fx.edit(RECONCILIATION, /"reconciliation-sweep"/g, '"ReconciliationSweep"');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/order-fulfillment\.bpmn \| Gateway_OrderRejected_k3j9x2p \| .*generated id/),
        expect.stringMatching(/order-fulfillment\.bpmn \| Task_OrderCompleted \| EndEvent id .* does not follow EndEvent_<PascalCaseMeaning>/),
        expect.stringMatching(/order-fulfillment\.bpmn \| Message_OrderCancellationRequested \| .*not PascalCase/),
        expect.stringMatching(/order-fulfillment\.bpmn \| Error_BillingRejected \| .*not UPPER_SNAKE/),
        expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_NotifyCustomer \| job type "sendOrderConfirmation"/),
        expect.stringMatching(/reconciliation\.bpmn \| ReconciliationSweep \| process id .* not kebab-case/),
      ]),
    );
  });
});

describe('job-types', () => {
  test('a job type with no worker fails at the task, and the worker it lost is reported unused', async () => {
    const added = await fx.added(jobTypes, () => fx.edit(MODEL, 'type="billing.activate-subscription.v1"', 'type="billing.activate-subscription.v2"'));
    expect(added).toEqual([
      expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_ActivateBilling \| job type billing\.activate-subscription\.v2 has no worker in workers\/index\.ts/),
      expect.stringMatching(/^workers\/index\.ts \| billing\.activate-subscription\.v1 \| .*no model/),
    ]);
  });

  test('a worker whose job type no model creates fails at the registry', async () => {
    const extra = { workers: (real: WorkerContract[]) => [...real, { type: 'crm.close-account.v1', variables: z.object({}), output: z.object({}), bpmnErrors: [] }] };
    expect(await fx.added(jobTypes, noSeed, extra)).toEqual([expect.stringMatching(/^workers\/index\.ts \| crm\.close-account\.v1 \| worker crm\.close-account\.v1 serves a job type no model/)]);
  });

  test('a task header outside the worker header schema fails at the task', async () => {
    const added = await fx.added(jobTypes, () => fx.edit(MODEL, '<zeebe:header key="orderStatus" value="COMPLETED" />', '<zeebe:header key="orderStatus" value="DONE" />'));
    expect(added).toEqual([expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_MarkOrderCompleted \| task headers .*"DONE".*orderStatus/)]);
  });
});

describe('bpmn-errors', () => {
  test('an error code unknown to the error map and to every worker fails', async () => {
    const added = await fx.added(bpmnErrors, () => fx.edit(MODEL, 'errorCode="BILLING_REJECTED"', 'errorCode="PAYMENT_DECLINED"'));
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/order-fulfillment\.bpmn \| Error_BillingRejected \| error code PAYMENT_DECLINED is not in .*contracts\/error-map\.yaml/),
        expect.stringMatching(/order-fulfillment\.bpmn \| Error_BillingRejected \| error code PAYMENT_DECLINED is thrown by no worker/),
        // the worker still declares BILLING_REJECTED, which nothing catches now
        expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_ActivateBilling \| worker billing\.activate-subscription\.v1 may throw BILLING_REJECTED here, but nothing catches it/),
      ]),
    );
  });

  test('an error a worker declares is caught by an error event subprocess of an enclosing scope, or fails where it is not', async () => {
    const declare = (type: string) => withWorker(type, (w) => ({ ...w, bpmnErrors: [...w.bpmnErrors, 'EXTERNAL_CONFLICT'] }));
    // order-fulfillment catches EXTERNAL_CONFLICT everywhere (EventSubProcess_ExternalConflict)
    expect(await fx.added(bpmnErrors, noSeed, declare('notification.send-order-confirmation.v1'))).toEqual([]);
    // reconciliation-case does not
    expect(await fx.added(bpmnErrors, noSeed, declare('reconciliation.check-external-state.v1'))).toEqual([
      expect.stringMatching(/reconciliation\.bpmn \| ServiceTask_CheckExternalState \| worker reconciliation\.check-external-state\.v1 may throw EXTERNAL_CONFLICT here, but nothing catches it/),
    ]);
  });

  test('the error map must list exactly the catching elements', async () => {
    const added = await fx.added(bpmnErrors, () => fx.edit('contracts/error-map.yaml', 'caughtBy: [order-fulfillment#BoundaryEvent_BillingRejected]', 'caughtBy: [order-fulfillment#BoundaryEvent_BillingRefused]'));
    expect(added).toEqual([
      expect.stringMatching(/contracts\/error-map\.yaml \| BILLING_REJECTED\.bpmn\.caughtBy \| lists order-fulfillment#BoundaryEvent_BillingRefused/),
      expect.stringMatching(/contracts\/error-map\.yaml \| BILLING_REJECTED\.bpmn\.caughtBy \| does not list order-fulfillment#BoundaryEvent_BillingRejected/),
    ]);
  });
});

describe('process-variables', () => {
  test('a variable renamed in the model fails where it is read', async () => {
    const added = await fx.added(processVariables, () => fx.edit(MODEL, 'inputCollection="=orderItemIds" inputElement="orderItemId" outputCollection="inventoryReservations"', 'inputCollection="=orderItems" inputElement="orderItemId" outputCollection="inventoryReservations"'));
    expect(added).toEqual([expect.stringMatching(/order-fulfillment\.bpmn \| SubProcess_ReserveInventory \| reads variable orderItems \(multi-instance input collection\)/)]);
  });

  test('a worker output renamed fails at the gateway that routes on it', async () => {
    const renamed = withWorker('reconciliation.check-external-state.v1', (w) => ({ ...w, output: z.object({ outcome: z.string(), reconciliationChecks: z.number(), expectedSummary: z.string(), observedSummary: z.string() }) }));
    expect(await fx.added(processVariables, noSeed, renamed)).toEqual(
      expect.arrayContaining([expect.stringMatching(/reconciliation\.bpmn \| Flow_SettledToBeforeResume \| reads variable reconciliationOutcome \(condition\)/)]),
    );
  });

  test('a variable a worker requires that nothing writes fails at its task', async () => {
    const needs = withWorker('billing.activate-subscription.v1', (w) => ({ ...w, variables: z.object({ orderId: z.string(), billingAccountRef: z.string() }) }));
    expect(await fx.added(processVariables, noSeed, needs)).toEqual([
      expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_ActivateBilling \| reads variable billingAccountRef \(variables worker billing\.activate-subscription\.v1 requires\)/),
    ]);
  });

  test('a message variable missing from the registry fails at the timer that reads it', async () => {
    const added = await fx.added(processVariables, () => fx.edit('contracts/process-variables.yaml', /\n {6}provisioningSla: \{[^\n]*\}/, ''));
    expect(added).toEqual([expect.stringMatching(/order-fulfillment\.bpmn \| BoundaryEvent_ProvisioningSlaBreached \| reads variable provisioningSla \(timer timeDuration\)/)]);
  });
});

describe('bpmn-lint', () => {
  test('a lint error (an unnamed task) fails, naming the element and the rule', async () => {
    const added = await fx.added(bpmnLint, () => fx.edit(MODEL, '<bpmn:serviceTask id="ServiceTask_NotifyCustomer" name="Send order confirmation">', '<bpmn:serviceTask id="ServiceTask_NotifyCustomer">'));
    expect(added).toEqual([expect.stringMatching(/order-fulfillment\.bpmn \| ServiceTask_NotifyCustomer \| \[label-required\] error/)]);
  });
});
