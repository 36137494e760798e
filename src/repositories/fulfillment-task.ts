// fulfillment_task: one row per order (or order item) and kind of external work. Every SQL text
// naming the table is here.
import { storableJsonb } from '../platform/storable-text.ts';
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { FULFILLMENT_TASK_STATUSES, type FulfillmentTaskStatus, type FulfillmentTaskType } from '../core/domain/fulfillment-task.ts';

export interface TaskScope {
  readonly orderId: string;
  readonly orderItemId?: string | undefined;
  readonly taskType: FulfillmentTaskType;
}

export const taskRow = z.object({
  fulfillment_task_id: z.string(),
  status: z.enum(FULFILLMENT_TASK_STATUSES),
  external_request_id: z.string().nullable(),
  external_reference_id: z.string().nullable(),
});
export type TaskRow = z.infer<typeof taskRow>;

const taskColumns = sql.fragment`fulfillment_task_id, status, external_request_id, external_reference_id`;

const upsert = (scope: TaskScope, source: FragmentSqlToken) => sql.fragment`
  insert into fulfillment_task (fulfillment_task_id, order_id, order_item_id, task_type, status)
  ${source}
  on conflict (order_id, coalesce(order_item_id, ''), task_type) do update set updated_at = fulfillment_task.updated_at
  returning fulfillment_task_id`;

/**
 * The same upsert as a CTE of a job's first statement, made only when the order read by CTE
 * `orderCte` exists (a job of an unknown order creates nothing).
 */
export const taskUpsertFromOrder = (orderCte: string, scope: TaskScope): FragmentSqlToken =>
  upsert(scope, sql.fragment`select ${randomUUID()}, ${scope.orderId}, ${scope.orderItemId ?? null}, ${scope.taskType}, 'IN_PROGRESS' from ${sql.identifier([orderCte])}`);

const whereScope = (scope: TaskScope) =>
  sql.fragment`order_id = ${scope.orderId} and coalesce(order_item_id, '') = ${scope.orderItemId ?? ''} and task_type = ${scope.taskType}`;

/** Another task of the order, read in a job's first statement (e.g. the reservation a release undoes). */
export const taskSelect = (scope: TaskScope): FragmentSqlToken => sql.fragment`select ${taskColumns} from fulfillment_task where ${whereScope(scope)}`;

/**
 * Whether the task read by CTE `taskCte` (a taskSelect) exists, holds the external id named and
 * is in one of the statuses: a condition (e.g. a release claims its key only for a reservation made).
 */
export const taskQualifies = (taskCte: string, q: { readonly holds: 'external_request_id' | 'external_reference_id'; readonly statuses: readonly FulfillmentTaskStatus[] }): FragmentSqlToken => sql.fragment`
  exists (select 1 from ${sql.identifier([taskCte])} t where ${sql.identifier(['t', q.holds])} is not null and t.status = any(${sql.array([...q.statuses], 'text')}))`;

export async function findTaskRow(db: CommonQueryMethods, scope: TaskScope): Promise<TaskRow | null> {
  return db.maybeOne(sql.type(taskRow)`${taskSelect(scope)}`);
}

export interface TaskOutcome {
  readonly status: FulfillmentTaskStatus;
  readonly externalRequestId?: string | undefined;
  readonly externalReferenceId?: string | undefined;
  readonly result?: unknown;
  readonly externalCallId?: string | undefined;
}

const outcomeSet = (o: TaskOutcome) => sql.fragment`
  set status = ${o.status},
      external_request_id = coalesce(${o.externalRequestId || null}, external_request_id),
      external_reference_id = coalesce(${o.externalReferenceId || null}, external_reference_id),
      result = coalesce(${o.result === undefined ? null : storableJsonb(o.result as never)}, result),
      last_external_call_id = ${o.externalCallId ?? null},
      updated_at = now()`;

/** Reflects an external call's outcome on the task. */
export async function updateTaskOutcome(db: CommonQueryMethods, taskId: string, o: TaskOutcome): Promise<void> {
  await db.query(sql.unsafe`update fulfillment_task ${outcomeSet(o)} where fulfillment_task_id = ${taskId}`);
}

/** The same, as a CTE stored with the attempt's result: only when CTE `gate` returned a row. */
export const taskOutcomeUpdateWhen = (gate: string, taskId: string, o: TaskOutcome): FragmentSqlToken => sql.fragment`
  update fulfillment_task ${outcomeSet(o)}
  where fulfillment_task_id = ${taskId} and exists (select 1 from ${sql.identifier([gate])})
  returning fulfillment_task_id`;

export async function setTaskStatus(db: CommonQueryMethods, taskId: string, status: FulfillmentTaskStatus, result?: unknown): Promise<void> {
  await db.query(sql.unsafe`
    update fulfillment_task set status = ${status}, result = coalesce(${result === undefined ? null : storableJsonb(result as never)}, result), updated_at = now()
    where fulfillment_task_id = ${taskId}`);
}

/** setTaskStatus as a CTE stored with an attempt's result: only when CTE `gate` returned a row. */
export const taskStatusUpdateWhen = (gate: string, taskId: string, status: FulfillmentTaskStatus): FragmentSqlToken => sql.fragment`
  update fulfillment_task set status = ${status}, updated_at = now()
  where fulfillment_task_id = ${taskId} and exists (select 1 from ${sql.identifier([gate])})
  returning fulfillment_task_id`;

const orderTaskRow = z.object({ task_type: z.string(), order_item_id: z.string().nullable(), status: z.string() });

/** The tasks of an order, oldest first (the order's read view). */
export async function tasksOfOrder(db: CommonQueryMethods, orderId: string): Promise<readonly z.infer<typeof orderTaskRow>[]> {
  return db.any(sql.type(orderTaskRow)`select task_type, order_item_id, status from fulfillment_task where order_id = ${orderId} order by created_at`);
}

/** The activation or deactivation task waiting for a provider request's result, as a select (a provisioning result's lookup). */
export const provisioningTaskSelect = (providerRequestId: string): FragmentSqlToken => sql.fragment`
  select fulfillment_task_id, task_type, last_external_call_id, order_id, order_item_id from fulfillment_task
  where external_request_id = ${providerRequestId} and task_type in ('ACTIVATE_SERVICE', 'DEACTIVATE_SERVICE')`;

/**
 * A provider's final result on its task, as a CTE: the first final result wins (a task already
 * SUCCEEDED or REJECTED does not move). Returns the task id only when this statement moved it.
 */
export const finalResultUpdate = (taskId: string, status: 'SUCCEEDED' | 'FAILED', result: { readonly serviceInstanceId: string | null; readonly failureReason: string | null }): FragmentSqlToken => sql.fragment`
  update fulfillment_task set status = ${status}, result = coalesce(result, '{}'::jsonb) || ${storableJsonb(result)}, updated_at = now()
  where fulfillment_task_id = ${taskId} and status in ('WAITING_EXTERNAL', 'IN_PROGRESS', 'FAILED', 'AMBIGUOUS')
  returning fulfillment_task_id`;

/** The task whose last external call this is (null when the call never linked its task, e.g. a worker killed mid-call). */
export async function taskIdOfLastCall(db: CommonQueryMethods, externalCallId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ fulfillment_task_id: z.string() }))`
    select fulfillment_task_id from fulfillment_task where last_external_call_id = ${externalCallId}`);
}

const taskDetailRow = z.object({
  fulfillment_task_id: z.string(),
  order_item_id: z.string().nullable(),
  task_type: z.string(),
  status: z.string(),
  external_request_id: z.string().nullable(),
  external_reference_id: z.string().nullable(),
  result: z.unknown().nullable(),
  last_external_call_id: z.string().nullable(),
  // timestamptz: slonik's type parser gives epoch milliseconds
  created_at: z.number(),
  updated_at: z.number(),
});
export type TaskDetailRow = z.infer<typeof taskDetailRow>;

/** Every task of an order with what it keeps, oldest first (the operator's order page). */
export async function taskDetailsOfOrder(db: CommonQueryMethods, orderId: string): Promise<readonly TaskDetailRow[]> {
  return db.any(sql.type(taskDetailRow)`
    select fulfillment_task_id, order_item_id, task_type, status, external_request_id, external_reference_id, result,
      last_external_call_id, created_at, updated_at
    from fulfillment_task where order_id = ${orderId} order by created_at, task_type, order_item_id`);
}
