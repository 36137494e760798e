// Fulfillment tasks: one row per order (or order item) and kind of external work.
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { FulfillmentTaskStatus, FulfillmentTaskType } from '../domain/fulfillment-task.ts';
import type { CallOutcome } from '../../integration/external-call.ts';

export interface TaskScope {
  readonly orderId: string;
  readonly orderItemId?: string | undefined;
  readonly taskType: FulfillmentTaskType;
}

/** The task's id, creating the task (IN_PROGRESS) the first time; stable across retries. */
export async function ensureTask(db: CommonQueryMethods, scope: TaskScope): Promise<string> {
  const id = await db.oneFirst(sql.type(z.object({ fulfillment_task_id: z.string() }))`
    insert into fulfillment_task (fulfillment_task_id, order_id, order_item_id, task_type, status)
    values (${randomUUID()}, ${scope.orderId}, ${scope.orderItemId ?? null}, ${scope.taskType}, 'IN_PROGRESS')
    on conflict (order_id, coalesce(order_item_id, ''), task_type) do update set updated_at = fulfillment_task.updated_at
    returning fulfillment_task_id`);
  return id;
}

export async function findTask(db: CommonQueryMethods, scope: TaskScope): Promise<{ id: string; status: FulfillmentTaskStatus; externalRequestId: string | null; externalReferenceId: string | null } | undefined> {
  const row = await db.maybeOne(sql.type(z.object({ fulfillment_task_id: z.string(), status: z.string(), external_request_id: z.string().nullable(), external_reference_id: z.string().nullable() }))`
    select fulfillment_task_id, status, external_request_id, external_reference_id from fulfillment_task
    where order_id = ${scope.orderId} and coalesce(order_item_id, '') = ${scope.orderItemId ?? ''} and task_type = ${scope.taskType}`);
  return row ? { id: row.fulfillment_task_id, status: row.status as FulfillmentTaskStatus, externalRequestId: row.external_request_id, externalReferenceId: row.external_reference_id } : undefined;
}

const statusOf = (kind: CallOutcome<unknown>['kind']): FulfillmentTaskStatus | undefined => {
  switch (kind) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'accepted':
      return 'WAITING_EXTERNAL';
    case 'rejected':
      return 'REJECTED';
    case 'conflict':
    case 'failed':
      return 'FAILED';
    case 'ambiguous':
      return 'AMBIGUOUS';
    case 'in-progress':
      return undefined;
  }
};

/** Reflects an external call's outcome on the task (called in the ledger's transaction). */
export async function applyOutcome(db: CommonQueryMethods, taskId: string, outcome: CallOutcome<unknown>, result?: unknown): Promise<void> {
  const status = statusOf(outcome.kind);
  if (!status) return;
  const refs = outcome.kind === 'in-progress' ? undefined : outcome;
  await db.query(sql.unsafe`
    update fulfillment_task
    set status = ${status},
        external_request_id = coalesce(${'externalRequestId' in outcome ? outcome.externalRequestId || null : null}, external_request_id),
        external_reference_id = coalesce(${'externalReferenceId' in outcome ? outcome.externalReferenceId || null : null}, external_reference_id),
        result = coalesce(${result === undefined ? null : sql.jsonb(result as never)}, result),
        last_external_call_id = ${refs?.externalCallId ?? null},
        updated_at = now()
    where fulfillment_task_id = ${taskId}`);
}

export async function setTaskStatus(db: CommonQueryMethods, taskId: string, status: FulfillmentTaskStatus, result?: unknown): Promise<void> {
  await db.query(sql.unsafe`
    update fulfillment_task set status = ${status}, result = coalesce(${result === undefined ? null : sql.jsonb(result as never)}, result), updated_at = now()
    where fulfillment_task_id = ${taskId}`);
}
