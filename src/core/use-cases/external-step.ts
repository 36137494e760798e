// The shape every external step of the fulfillment shares, in two statements on the success path:
//   1. before the call, ONE statement: read the order (and any other task the step needs), upsert
//      the step's fulfillment task, claim the attempt's key (a STARTED attempt), and for the first
//      step link the process instance;
//   2. after the call, ONE statement (attempt-ledger.ts record): evidence, the attempt's result and
//      what this file adds to it (task state, lifecycle events, inbox rearm), gated on the result
//      having applied.
// Use cases only fill in what is theirs. Replays, conflicts, calls in flight, retries of a failed
// attempt, ambiguity and disabled capabilities take slower paths (the ledger's locked claim).
//
// Why the claim can come before the request is known: the idempotency key is derived from the
// order snapshot, immutable once accepted, so the first statement computes it in SQL from the row
// it reads (claimKeys below, checked against src/core/domain/idempotency-keys.ts before anything is
// sent). The request itself (and its hash) is built from that same snapshot only afterwards, so the
// claim stores UNKNOWN_REQUEST_HASH and the result's statement stores the hash. The ledger's
// guarantees hold: the unique key still allows one STARTED attempt, so one side effect per key; a
// different request under a used key is still refused, since every attempt that was sent and
// finished has its hash (an attempt that never finished is in progress or ambiguous whatever the
// request); the lease is set by the claim, to the longest budget a tenant's timeout profile allows
// (the tenant is known only once the order is read), so a live call is never taken for abandoned.
import type { DatabaseTransactionConnection, FragmentSqlToken } from 'slonik';
import { sql } from 'slonik';
import { z } from 'zod';
import type { EngineAction } from '../ports/engine-action.ts';
import type { CallOutcome, ExternalCallSpec, Trouble, Writes } from '../../integration/external-call.ts';
import { RECORDED, attemptRow, type AttemptRow, type Write } from '../../integration/ledger/attempt-ledger.ts';
import { toEngineAction, type OutcomePolicy } from '../../integration/outcome-mapping.ts';
import { orderSnapshotSchema, ORDER_STATUSES, type OrderSnapshot, type OrderStatus } from '../domain/order.ts';
import { jobCausationId, type JobRef } from '../ports/job.ts';
import type { Clock } from '../ports/clock.ts';
import { foundTask, taskOutcomeOf, type FoundTask, type TaskScope } from './fulfillment-tasks.ts';
import { requestCaseHandling } from '../reconciliation/request-case-handling.ts';
import { openCase } from '../reconciliation/cases.ts';
import type { FarmServices } from '../services.ts';
import { emitWhen } from '../../events/emit.ts';
import { PROVISIONING_RESULT_RETRY } from '../provisioning-results/result-inbox.ts';
import type { FulfillmentEventInput, FulfillmentEventType } from '../../events/emit.ts';
import type { ExternalSystem } from '../ports/external-result.ts';
import type { CapabilityCode } from '../../integration/registry/capabilities.ts';
import { leaseMsFor, timeoutsOf } from '../../integration/registry/profiles.ts';
import { gateCapability, type Disabled } from './capability-gate.ts';
import { OrderNotFound, markFulfillmentStarted } from './orders.ts';
import { orderHasItem, orderSelect, fulfillmentStartedUpdateWhen } from '../../repositories/customer-order.ts';
import { linkProcessInstanceUpdate } from '../../repositories/order-orchestration-link.ts';
import { claimFromOrderInsert, releaseUnusedClaim, type OrderText } from '../../repositories/external-call-attempt.ts';
import { taskOutcomeUpdateWhen, taskQualifies, taskRow, taskSelect, taskStatusUpdateWhen, taskUpsertFromOrder } from '../../repositories/fulfillment-task.ts';
import { rearmKeptInboxEventsWhen } from '../../repositories/inbox-event.ts';
import { redact } from '../../platform/redaction.ts';

/** What a step needs from the order before it can build its call. */
export interface StepContext {
  readonly order: OrderSnapshot;
  readonly status: OrderStatus;
  readonly taskId: string;
  /** the other task the step read (`related`), if it exists */
  readonly related: FoundTask | undefined;
}

/** The call a step makes, built once the order is read. */
export interface StepCall<T> {
  readonly call: Omit<ExternalCallSpec<T>, 'tenantId' | 'correlationId' | 'causationId' | 'leaseMs' | 'context' | 'send' | 'claimed'> & {
    /** sends the request; gets the fulfillment task id (e.g. for the provider's correlation) */
    readonly send: (taskId: string) => ReturnType<ExternalCallSpec<T>['send']>;
  };
  /** builds the engine policy once the fulfillment task id is known */
  readonly policy: (taskId: string) => OutcomePolicy<T>;
  /** what of a success is kept on the fulfillment task (non-secret, small) */
  readonly taskResult?: (value: T) => unknown;
  /** the lifecycle event a success announces (written to the outbox with the attempt's result) */
  readonly announce?: (value: T) => Announcement;
  /** another task a success (or acceptance) marks: a compensation marks the task it undid COMPENSATED */
  readonly marksOnSuccess?: { readonly taskId: string; readonly status: 'COMPENSATED' };
}

/** The key a step claims, as SQL computes it from the order row of the first statement. */
export interface StepClaim {
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly businessObjectType: string;
  readonly businessObjectId: OrderText;
  readonly idempotencyKey: OrderText;
}

export interface ExternalStep<T> {
  readonly orderId: string;
  /** item-scoped steps: the order must have this item (else OrderItemNotFound, nothing written) */
  readonly orderItemId?: string | undefined;
  readonly task: TaskScope;
  readonly claim: StepClaim;
  /**
   * Another task of the order the step depends on, read in the first statement; with `requires`,
   * nothing is claimed or created unless it qualifies (a compensation of work never done).
   */
  readonly related?: { readonly scope: TaskScope; readonly requires?: { readonly holds: 'external_request_id' | 'external_reference_id'; readonly statuses: readonly FoundTask['status'][] } };
  /** the first step of an instance: links it to the order, which moves ACCEPTED → IN_FULFILLMENT (FulfillmentStarted) */
  readonly startsFulfillment?: boolean;
  /**
   * The tenant capability the step uses, asked of the adapter registry before anything is sent
   * (capability-gate.ts: a disabled one is a BPMN error or a skip). null for steps that follow up
   * or undo work already done (status polls, compensations): disabling stops new work, never the
   * cleanup of work that happened.
   */
  readonly capability: CapabilityCode | null;
  /** the output of the step when its capability is disabled and the capability's path is a skip */
  readonly skipped?: (reason: string) => Readonly<Record<string, unknown>>;
  /** builds the call from the order; an engine action instead: nothing to call (the claim, if any, is given back) */
  readonly build: (ctx: StepContext) => StepCall<T> | { readonly nothingToDo: EngineAction };
}

/** A lifecycle event of one type with its payload (orderId, correlation and causation are added). */
export type Announcement = { [K in FulfillmentEventType]: { readonly type: K; readonly payload: FulfillmentEventInput<K>['payload'] } }[FulfillmentEventType];

export interface StepResult<T> {
  readonly taskId: string;
  readonly outcome: CallOutcome<T> | undefined;
  readonly disabled?: Disabled;
  readonly action: EngineAction;
}

const prepared = z.object({
  order_snapshot: z.unknown(),
  order_status: z.enum(ORDER_STATUSES),
  task_id: z.string().nullable(),
  claimed: z.unknown().nullable(),
  related: z.unknown().nullable(),
});

/** Statement 1: the order, the step's task and the claim of its key, in one round trip. */
async function prepare(s: FarmServices, job: JobRef, step: ExternalStep<unknown>) {
  // `subject` is the order row when the step has something to do for it: nothing is written otherwise
  const conditions: FragmentSqlToken[] = [];
  if (step.orderItemId !== undefined) conditions.push(orderHasItem('o', step.orderItemId));
  if (step.related?.requires) conditions.push(taskQualifies('related', step.related.requires));
  const ctes: FragmentSqlToken[] = [
    sql.fragment`ord as (${orderSelect(step.orderId)})`,
    sql.fragment`related as (${step.related ? taskSelect(step.related.scope) : sql.fragment`select null::uuid as fulfillment_task_id where false`})`,
    sql.fragment`subject as (select o.* from ord o ${conditions.length ? sql.fragment`where ${sql.join(conditions, sql.fragment` and `)}` : sql.fragment``})`,
    sql.fragment`task as (${taskUpsertFromOrder('subject', step.task)})`,
    sql.fragment`claim as (${claimFromOrderInsert('subject', { ...step.claim, causationId: jobCausationId(job), leaseMs: longestLeaseMs(s) })})`,
  ];
  if (step.startsFulfillment) ctes.push(sql.fragment`link as (${linkProcessInstanceUpdate(step.orderId, job.processInstanceKey, job.elementId)})`);
  const row = await s.db.maybeOne(sql.type(prepared)`
    with ${sql.join(ctes, sql.fragment`, `)}
    select o.order_snapshot, o.order_status, (select fulfillment_task_id from task) as task_id,
      (select to_jsonb(c) from claim c) as claimed, (select to_jsonb(r) from related r) as related
    from ord o`);
  if (!row) throw new OrderNotFound(`order ${step.orderId} does not exist`);
  return {
    order: orderSnapshotSchema.parse(row.order_snapshot),
    status: row.order_status,
    taskId: row.task_id,
    claimed: row.claimed === null ? undefined : attemptRow.parse(row.claimed),
    related: row.related === null ? undefined : foundTask(taskRow.parse(row.related)),
  };
}

export async function runExternalStep<T>(s: FarmServices, job: JobRef, step: ExternalStep<T>): Promise<StepResult<T>> {
  const ready = await prepare(s, job, step as ExternalStep<unknown>);
  const { order, claimed } = ready;
  // build decides from the order alone (e.g. OrderItemNotFound, nothing to release); the first
  // statement made the same decision in SQL, so a step with work to do has its task and claim
  const built = step.build({ order, status: ready.status, taskId: ready.taskId ?? '', related: ready.related });
  if ('nothingToDo' in built) {
    if (claimed) await releaseUnusedClaim(s.db, claimed.external_call_id);
    return { taskId: ready.taskId ?? '', outcome: undefined, action: built.nothingToDo };
  }
  if (ready.taskId === null) throw new Error(`step ${step.task.taskType} of order ${order.orderId} has work to do, but its first statement found none`);
  const taskId = ready.taskId;
  if (claimed && claimed.idempotency_key !== built.call.idempotencyKey) {
    // claimKeys and idempotency-keys.ts disagree: a bug, caught before anything is sent
    await releaseUnusedClaim(s.db, claimed.external_call_id);
    throw new Error(`the claimed key ${claimed.idempotency_key} is not the step's key ${built.call.idempotencyKey}`);
  }
  const tenantId = order.tenantId;
  if (step.capability) {
    const gated = await gateCapability(s, { tenantId, orderId: order.orderId, system: built.call.system, operation: built.call.operation, idempotencyKey: built.call.idempotencyKey, capability: step.capability, skipped: step.skipped, claimedNow: claimed !== undefined }, taskId);
    if (gated) {
      if (claimed) await releaseUnusedClaim(s.db, claimed.external_call_id);
      if (step.startsFulfillment) await markFulfillmentStarted(s.db, order, jobCausationId(job));
      return { taskId, outcome: undefined, ...gated };
    }
  }
  const outcome = await s.calls.run<T>(
    {
      ...built.call,
      send: () => built.call.send(taskId),
      tenantId,
      correlationId: order.correlationId,
      causationId: jobCausationId(job),
      leaseMs: claimed ? longestLeaseMs(s) : await callLeaseMs(s, tenantId, built.call.system),
      context: { orderId: order.orderId, jobKey: job.key, processInstanceKey: job.processInstanceKey, bpmnProcessId: job.bpmnProcessId },
      claimed,
    },
    stepWrites(step, built, { order, taskId, job, clock: s.clock }),
  );
  // The first step's order transition rides on its result's statement; on a slower path (the key
  // was taken, the call is someone else's) it is made on its own, once.
  if (step.startsFulfillment && (!claimed || outcome.kind === 'in-progress' || outcome.replayed)) await markFulfillmentStarted(s.db, order, jobCausationId(job));
  if (outcome.kind === 'ambiguous') await startReconciliation(s, outcome.reconciliationCaseId);
  return { taskId, outcome, action: toEngineAction(outcome, built.policy(taskId), job) };
}

/** What a step stores with its call's outcome, in the outcome's statement (gated on RECORDED). */
function stepWrites<T>(step: ExternalStep<T>, built: StepCall<T>, at: { order: OrderSnapshot; taskId: string; job: JobRef; clock: Clock }): Writes<T> {
  const { order } = at;
  const causationId = jobCausationId(at.job);
  return (o) => {
    const occurredAt = at.clock.now();
    const writes: Write[] = [];
    const task = taskOutcomeOf(o, (o.kind === 'succeeded' || o.kind === 'accepted') && built.taskResult ? built.taskResult(o.value) : undefined);
    if (task) writes.push({ name: 'task', sql: taskOutcomeUpdateWhen(RECORDED, at.taskId, task) });
    if (step.startsFulfillment) {
      // ACCEPTED → IN_FULFILLMENT whatever the validation's outcome, announced only by the statement that moved it
      writes.push({ name: 'started', sql: fulfillmentStartedUpdateWhen(RECORDED, order.orderId) });
      writes.push({
        name: 'started_event',
        sql: emitWhen('started', 'FulfillmentStarted', { orderId: order.orderId, correlationId: order.correlationId, causationId, occurredAt, payload: { tenantId: order.tenantId, customerAccountId: order.customerAccountId, itemCount: order.items.length } }),
      });
    }
    // results the provider sent before this submission was stored are delivered now, not after their backoff
    if (o.kind === 'accepted' && built.call.system === 'PROVISIONING' && o.externalRequestId) {
      writes.push({ name: 'rearmed', sql: rearmKeptInboxEventsWhen(RECORDED, o.externalRequestId, PROVISIONING_RESULT_RETRY) });
    }
    if (o.kind === 'succeeded' && built.announce) {
      const a = built.announce(o.value);
      writes.push({ name: 'announced', sql: emitWhen(RECORDED, a.type, { orderId: order.orderId, correlationId: order.correlationId, causationId, occurredAt, payload: a.payload as never }) });
    }
    if ((o.kind === 'succeeded' || o.kind === 'accepted') && built.marksOnSuccess) writes.push({ name: 'marked', sql: taskStatusUpdateWhen(RECORDED, built.marksOnSuccess.taskId, built.marksOnSuccess.status) });
    return writes;
  };
}

/** The longest lease any tenant's timeout profile gives a call: what a claim made before the tenant is known takes. */
export const longestLeaseMs = (s: FarmServices): number => leaseMsFor(timeoutsOf('EXTENDED', s.config));

/** How long a call of this tenant to this system may stay STARTED before it counts as abandoned (its timeout profile's budget). */
export async function callLeaseMs(s: FarmServices, tenantId: string, system: ExternalSystem): Promise<number> {
  const lookup = await s.registry.binding(tenantId, system);
  return lookup.kind === 'bound' ? leaseMsFor(lookup.binding.timeouts) : s.callLeaseMs;
}

/**
 * The core's answer to an external call's trouble (ExternalCalls reports it, in the transaction
 * that stores it): a reconciliation case, one per attempt. Wired into ExternalCalls by the
 * composition root.
 */
export async function openTroubleCase(tx: DatabaseTransactionConnection, trouble: Trouble, call: ExternalCallSpec<unknown>): Promise<string> {
  return openCase(tx, {
    tenantId: call.tenantId,
    system: call.system,
    businessObjectType: call.businessObject.type,
    businessObjectId: call.businessObject.id,
    mismatchType: trouble.kind === 'ambiguous' ? 'AMBIGUOUS_OUTCOME' : 'DUPLICATE_CONFLICT',
    expectedState: { operation: call.operation, idempotencyKey: call.idempotencyKey, request: redact(call.request) },
    observedState: trouble.kind === 'ambiguous' ? { known: false, reason: trouble.reason } : { conflict: trouble.detail, externalReferenceId: trouble.externalReferenceId },
    severity: call.system === 'BILLING' ? 'HIGH' : 'MEDIUM',
    externalCallId: trouble.externalCallId,
    orderId: call.context?.orderId,
    jobKey: call.context?.jobKey,
    processInstanceKey: call.context?.processInstanceKey,
    bpmnProcessId: call.context?.bpmnProcessId,
  });
}

/** Hands a new case to the reconciler at once; the reconciliation sweep retries it if this fails. */
export async function startReconciliation(s: FarmServices, caseId: string): Promise<void> {
  await requestCaseHandling(s.db, s.messages, caseId, s.config.RECONCILIATION_RECHECK_DELAY).catch((err: unknown) =>
    s.log.warn({ caseId, err: (err as Error).message }, 'could not start the reconciliation of the case yet; the sweep will'),
  );
}

/** An attempt row as the first statement returned it (exported for tests). */
export type ClaimedAttempt = AttemptRow;
