// The statements a provisioning result needs: which fulfillment task it answers (a select that
// the inbox folds into its receive statement), and the one statement that records it. Assembled
// from the tables' repositories' fragments; only the glue is here.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { correlationIdOfColumn } from '../../repositories/customer-order.ts';
import { attemptNoOfColumn, pendingAttemptResultWhen } from '../../repositories/external-call-attempt.ts';
import { resultEvidenceInsert } from '../../repositories/external-call-evidence.ts';
import { finalResultUpdate, provisioningTaskSelect } from '../../repositories/fulfillment-task.ts';

export interface ProvisioningTask {
  readonly fulfillmentTaskId: string;
  readonly taskType: string;
  readonly lastExternalCallId: string | null;
  readonly attemptNo: number | null;
  readonly orderId: string;
  readonly orderItemId: string | null;
  readonly correlationId: string;
}

/** The lookup's columns, nullable: folded into a left join, no row is all nulls. */
export const provisioningTaskColumns = z.object({
  fulfillment_task_id: z.string().nullable(),
  task_type: z.string().nullable(),
  last_external_call_id: z.string().nullable(),
  attempt_no: z.number().nullable(),
  order_id: z.string().nullable(),
  order_item_id: z.string().nullable(),
  correlation_id: z.string().nullable(),
});

export const toProvisioningTask = (row: z.infer<typeof provisioningTaskColumns>): ProvisioningTask | null =>
  row.fulfillment_task_id === null
    ? null
    : {
        fulfillmentTaskId: row.fulfillment_task_id,
        taskType: row.task_type ?? '',
        lastExternalCallId: row.last_external_call_id,
        attemptNo: row.attempt_no,
        orderId: row.order_id ?? '',
        orderItemId: row.order_item_id,
        correlationId: row.correlation_id ?? '',
      };

/** The activation or deactivation task waiting for this provider request, with its order's correlation id and its attempt's number. */
export const provisioningTaskLookup = (providerRequestId: string): FragmentSqlToken => sql.fragment`
  select t.fulfillment_task_id, t.task_type, t.last_external_call_id, t.order_id, t.order_item_id,
    ${attemptNoOfColumn(['t', 'last_external_call_id'])} as attempt_no, ${correlationIdOfColumn(['t', 'order_id'])} as correlation_id
  from (${provisioningTaskSelect(providerRequestId)}) t`;

export async function findProvisioningTask(db: CommonQueryMethods, providerRequestId: string): Promise<ProvisioningTask | null> {
  const row = await db.maybeOne(sql.type(provisioningTaskColumns)`${provisioningTaskLookup(providerRequestId)}`);
  return row ? toProvisioningTask(row) : null;
}

export interface FinalProvisioningResult {
  readonly providerRequestId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly serviceInstanceId?: string | undefined;
  readonly failureReason?: string | undefined;
  readonly channel: 'CALLBACK' | 'EVENT' | 'POLL';
  readonly rawSnapshot?: unknown;
}

/** The record statement's CTE that returns the task's id when this result moved it: what the announcement is gated on. */
export const MOVED = 'moved';

/**
 * Records a final result in one statement: the task moves to it unless an earlier final result
 * did (MOVED); only then do the attempt get its result and the announcement (an outbox insert
 * gated on MOVED) go to the outbox; the evidence is added either way. Data-modifying CTEs see one
 * snapshot, so each later part asks MOVED (the task update's returned row), not the table.
 */
export async function recordProvisioningResult(db: CommonQueryMethods, task: ProvisioningTask, r: FinalProvisioningResult, announcement: FragmentSqlToken | undefined): Promise<boolean> {
  const parts: FragmentSqlToken[] = [
    sql.fragment`${sql.identifier([MOVED])} as (${finalResultUpdate(task.fulfillmentTaskId, r.status, { serviceInstanceId: r.serviceInstanceId ?? null, failureReason: r.failureReason ?? null })})`,
  ];
  if (task.lastExternalCallId) {
    parts.push(sql.fragment`attempt_result as (${pendingAttemptResultWhen(MOVED, task.lastExternalCallId, { succeeded: r.status === 'SUCCEEDED', failureReason: r.failureReason })})`);
    const evidence = { externalCallId: task.lastExternalCallId, attemptNo: task.attemptNo ?? 1, outcome: r.status, channel: r.channel.toLowerCase(), responseSnapshot: r.rawSnapshot ?? null };
    parts.push(sql.fragment`evidence as (${resultEvidenceInsert(MOVED, evidence)})`);
  }
  if (announcement) parts.push(sql.fragment`announced as (${announcement})`);
  const row = await db.one(sql.type(z.object({ moved: z.boolean() }))`
    with ${sql.join(parts, sql.fragment`, `)}
    select exists (select 1 from ${sql.identifier([MOVED])}) as moved`);
  return row.moved;
}
