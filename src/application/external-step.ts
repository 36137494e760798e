// The shape every external step of the fulfillment shares: make sure the fulfillment task exists,
// make the call through the ledger (task state stored in the same transaction as the attempt's
// result), and decide what the engine hears. Use cases only fill in what is theirs.
import type { EngineAction } from '../integration/engine-action.ts';
import type { CallOutcome, ExternalCallSpec } from '../integration/external-call.ts';
import { toEngineAction, type OutcomePolicy } from '../integration/outcome-mapping.ts';
import type { OrderSnapshot } from '../fulfillment/order.ts';
import type { JobInfo } from '../worker-runtime/define-worker.ts';
import { applyOutcome, ensureTask, type TaskScope } from './fulfillment-task-repository.ts';
import { requestCaseHandling } from '../reconciliation/request-case-handling.ts';
import type { FarmServices } from './services.ts';
import { emit } from '../events/emit.ts';
import type { FulfillmentEventInput, FulfillmentEventType } from '../events/event-schemas.ts';

export interface ExternalStep<T> {
  readonly order: OrderSnapshot;
  readonly task: TaskScope;
  readonly call: Omit<ExternalCallSpec<T>, 'tenantId' | 'correlationId' | 'causationId' | 'leaseMs' | 'context' | 'send'> & {
    /** sends the request; gets the fulfillment task id (e.g. for the provider's correlation) */
    readonly send: (taskId: string) => ReturnType<ExternalCallSpec<T>['send']>;
  };
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

export async function runExternalStep<T>(s: FarmServices, job: JobInfo, step: ExternalStep<T>): Promise<StepResult<T>> {
  const taskId = await ensureTask(s.db, step.task);
  const outcome = await s.calls.run<T>(
    {
      ...step.call,
      send: () => step.call.send(taskId),
      tenantId: step.order.tenantId,
      correlationId: step.order.correlationId,
      causationId: `job:${job.key}`,
      leaseMs: s.callLeaseMs,
      context: { orderId: step.order.orderId, jobKey: job.key, processInstanceKey: job.processInstanceKey },
    },
    async (tx, o) => {
      await applyOutcome(tx, taskId, o, (o.kind === 'succeeded' || o.kind === 'accepted') && step.taskResult ? step.taskResult(o.value) : undefined);
      if (o.kind === 'succeeded' && step.announce) {
        const a = step.announce(o.value);
        await emit(tx, a.type, { orderId: step.order.orderId, correlationId: step.order.correlationId, causationId: `job:${job.key}`, payload: a.payload as never });
      }
    },
  );
  if (outcome.kind === 'ambiguous') await startReconciliation(s, outcome.reconciliationCaseId);
  return { taskId, outcome, action: toEngineAction(outcome, step.policy(taskId), job) };
}

/** Hands a new case to the reconciler at once; the reconciliation sweep retries it if this fails. */
export async function startReconciliation(s: FarmServices, caseId: string): Promise<void> {
  await requestCaseHandling(s.db, s.messages, caseId, s.config.RECONCILIATION_RECHECK_DELAY).catch((err: unknown) =>
    s.log.warn({ caseId, err: (err as Error).message }, 'could not start the reconciliation of the case yet; the sweep will'),
  );
}
