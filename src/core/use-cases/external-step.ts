// The shape every external step of the fulfillment shares: make sure the fulfillment task exists,
// make the call through the ledger (task state stored in the same transaction as the attempt's
// result), and decide what the engine hears. Use cases only fill in what is theirs.
import type { EngineAction } from '../ports/engine-action.ts';
import type { CallOutcome, ExternalCallSpec } from '../../integration/external-call.ts';
import { toEngineAction, type OutcomePolicy } from '../../integration/outcome-mapping.ts';
import type { OrderSnapshot } from '../domain/order.ts';
import type { JobRef } from '../ports/job.ts';
import { applyOutcome, ensureTask, type TaskScope } from './fulfillment-task-repository.ts';
import { requestCaseHandling } from '../reconciliation/request-case-handling.ts';
import type { FarmServices } from '../services.ts';
import { emit } from '../../events/emit.ts';
import { rearmProvisioningResults } from '../provisioning-results/result-inbox.ts';
import type { FulfillmentEventInput, FulfillmentEventType } from '../../events/event-schemas.ts';
import type { ExternalSystem } from '../ports/external-result.ts';
import type { CapabilityCode } from '../../integration/registry/capabilities.ts';
import { leaseMsFor } from '../../integration/registry/profiles.ts';
import { gateCapability, type Disabled } from './capability-gate.ts';

export interface ExternalStep<T> {
  readonly order: OrderSnapshot;
  readonly task: TaskScope;
  readonly call: Omit<ExternalCallSpec<T>, 'tenantId' | 'correlationId' | 'causationId' | 'leaseMs' | 'context' | 'send'> & {
    /** sends the request; gets the fulfillment task id (e.g. for the provider's correlation) */
    readonly send: (taskId: string) => ReturnType<ExternalCallSpec<T>['send']>;
  };
  /**
   * The tenant capability the step uses, asked of the adapter registry before anything is sent
   * (capability-gate.ts: a disabled one is a BPMN error or a skip). null for steps that follow up
   * or undo work already done (status polls, compensations): disabling stops new work, never the
   * cleanup of work that happened.
   */
  readonly capability: CapabilityCode | null;
  /** the output of the step when its capability is disabled and the capability's path is a skip */
  readonly skipped?: (reason: string) => Readonly<Record<string, unknown>>;
  /** builds the engine policy once the fulfillment task id is known */
  readonly policy: (taskId: string) => OutcomePolicy<T>;
  /** what of a success is kept on the fulfillment task (non-secret, small) */
  readonly taskResult?: (value: T) => unknown;
  /** the lifecycle event a success announces (written to the outbox with the attempt's result) */
  readonly announce?: (value: T) => Announcement;
}

/** A lifecycle event of one type with its payload (orderId, correlation and causation are added). */
export type Announcement = { [K in FulfillmentEventType]: { readonly type: K; readonly payload: FulfillmentEventInput<K>['payload'] } }[FulfillmentEventType];

export interface StepResult<T> {
  readonly taskId: string;
  readonly outcome: CallOutcome<T>;
  readonly action: EngineAction;
}

/** A gated step's result: the call's, or the disabled capability's (no call made). */
export type GatedStepResult<T> = StepResult<T> | { readonly taskId: string; readonly outcome: undefined; readonly disabled: Disabled; readonly action: EngineAction };

export function runExternalStep<T>(s: FarmServices, job: JobRef, step: ExternalStep<T> & { readonly capability: null }): Promise<StepResult<T>>;
export function runExternalStep<T>(s: FarmServices, job: JobRef, step: ExternalStep<T>): Promise<GatedStepResult<T>>;
export async function runExternalStep<T>(s: FarmServices, job: JobRef, step: ExternalStep<T>): Promise<GatedStepResult<T>> {
  const taskId = await ensureTask(s.db, step.task);
  const tenantId = step.order.tenantId;
  if (step.capability) {
    const gated = await gateCapability(s, { tenantId, orderId: step.order.orderId, system: step.call.system, operation: step.call.operation, idempotencyKey: step.call.idempotencyKey, capability: step.capability, skipped: step.skipped }, taskId);
    if (gated) return { taskId, outcome: undefined, ...gated };
  }
  const outcome = await s.calls.run<T>(
    {
      ...step.call,
      send: () => step.call.send(taskId),
      tenantId: step.order.tenantId,
      correlationId: step.order.correlationId,
      causationId: `job:${job.key}`,
      leaseMs: await callLeaseMs(s, tenantId, step.call.system),
      context: { orderId: step.order.orderId, jobKey: job.key, processInstanceKey: job.processInstanceKey, bpmnProcessId: job.bpmnProcessId },
    },
    async (tx, o) => {
      await applyOutcome(tx, taskId, o, (o.kind === 'succeeded' || o.kind === 'accepted') && step.taskResult ? step.taskResult(o.value) : undefined);
      // results the provider sent before this submission was stored are delivered now, not after their backoff
      if (o.kind === 'accepted') await rearmProvisioningResults(tx, step.call.system, o.externalRequestId);
      if (o.kind === 'succeeded' && step.announce) {
        const a = step.announce(o.value);
        await emit(tx, a.type, { orderId: step.order.orderId, correlationId: step.order.correlationId, causationId: `job:${job.key}`, payload: a.payload as never });
      }
    },
  );
  if (outcome.kind === 'ambiguous') await startReconciliation(s, outcome.reconciliationCaseId);
  return { taskId, outcome, action: toEngineAction(outcome, step.policy(taskId), job) };
}

/** How long a call of this tenant to this system may stay STARTED before it counts as abandoned (its timeout profile's budget). */
export async function callLeaseMs(s: FarmServices, tenantId: string, system: ExternalSystem): Promise<number> {
  const lookup = await s.registry.binding(tenantId, system);
  return lookup.kind === 'bound' ? leaseMsFor(lookup.binding.timeouts) : s.callLeaseMs;
}

/** Hands a new case to the reconciler at once; the reconciliation sweep retries it if this fails. */
export async function startReconciliation(s: FarmServices, caseId: string): Promise<void> {
  await requestCaseHandling(s.db, s.messages, caseId, s.config.RECONCILIATION_RECHECK_DELAY).catch((err: unknown) =>
    s.log.warn({ caseId, err: (err as Error).message }, 'could not start the reconciliation of the case yet; the sweep will'),
  );
}
