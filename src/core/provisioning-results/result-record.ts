// The statements a provisioning result needs: which fulfillment task it answers (a select that
// the inbox folds into its receive statement), and the one statement that records it.
// TEMPORARY: the table fragments below move into src/repositories (fulfillment-task,
// customer-order, external-call-attempt, external-call-evidence) as those appear;
// only the glue stays here.
import { sql, type CommonQueryMethods, type FragmentSqlToken, type IdentifierSqlToken } from 'slonik';
import { z } from 'zod';
import { outboxInsertWhen, type OutboxEvent } from '../../repositories/outbox-event.ts';

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

/** The activation or deactivation task waiting for this provider request, with its order's correlation id and its attempt. */
export const provisioningTaskLookup = (providerRequestId: string): FragmentSqlToken => sql.fragment`
  select t.fulfillment_task_id, t.task_type, t.last_external_call_id, a.attempt_no, t.order_id, t.order_item_id, o.correlation_id
  from fulfillment_task t join customer_order o on o.order_id = t.order_id
  left join external_call_attempt a on a.external_call_id = t.last_external_call_id
  where t.external_request_id = ${providerRequestId} and t.task_type in ('ACTIVATE_SERVICE', 'DEACTIVATE_SERVICE')`;

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

/**
 * Records a final result in one statement: the task moves to it unless an earlier final result
 * did (`moved`); only then do the attempt get its result and the announcement go to the outbox;
 * the evidence is added either way. Data-modifying CTEs see one snapshot, so each later part
 * asks `moved` (the task update's returned row), not the table.
 */
export async function recordProvisioningResult(db: CommonQueryMethods, task: ProvisioningTask, r: FinalProvisioningResult, announcement: OutboxEvent | undefined): Promise<boolean> {
  const moved = sql.identifier(['moved']);
  const parts: FragmentSqlToken[] = [sql.fragment`${moved} as (${moveTaskToResult(task.fulfillmentTaskId, r)})`];
  if (task.lastExternalCallId) {
    parts.push(sql.fragment`attempt_result as (${completeAttempt(task.lastExternalCallId, r, moved)})`);
    parts.push(sql.fragment`evidence as (${addResultEvidence(task.lastExternalCallId, task.attemptNo ?? 1, r, moved)})`);
  }
  if (announcement) parts.push(sql.fragment`announced as (${outboxInsertWhen('moved', announcement)})`);
  const row = await db.one(sql.type(z.object({ moved: z.boolean() }))`
    with ${sql.join(parts, sql.fragment`, `)}
    select exists (select 1 from ${moved}) as moved`);
  return row.moved;
}

const moveTaskToResult = (fulfillmentTaskId: string, r: FinalProvisioningResult): FragmentSqlToken => sql.fragment`
  update fulfillment_task set status = ${r.status}, result = coalesce(result, '{}'::jsonb) || ${sql.jsonb({ serviceInstanceId: r.serviceInstanceId ?? null, failureReason: r.failureReason ?? null })}, updated_at = now()
  where fulfillment_task_id = ${fulfillmentTaskId} and status in ('WAITING_EXTERNAL', 'IN_PROGRESS', 'FAILED', 'AMBIGUOUS')
  returning fulfillment_task_id`;

const completeAttempt = (externalCallId: string, r: FinalProvisioningResult, gate: IdentifierSqlToken): FragmentSqlToken => sql.fragment`
  update external_call_attempt
  set status = ${r.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'REJECTED'},
      failure_category = ${r.status === 'FAILED' ? 'BUSINESS_REJECTED' : null}, failure_reason = ${r.failureReason ?? null},
      completed_at = now(), updated_at = now()
  where external_call_id = ${externalCallId} and status = 'PENDING' and exists (select 1 from ${gate})
  returning external_call_id`;

const addResultEvidence = (externalCallId: string, attemptNo: number, r: FinalProvisioningResult, gate: IdentifierSqlToken): FragmentSqlToken => sql.fragment`
  insert into external_call_evidence (evidence_id, external_call_id, attempt_no, kind, outcome, detail, response_snapshot)
  select gen_random_uuid(), ${externalCallId}, ${attemptNo}, 'CALLBACK', ${r.status},
    ${`${r.channel.toLowerCase()}: `} || case when exists (select 1 from ${gate}) then 'final result' else 'repeated result' end,
    ${sql.jsonb((r.rawSnapshot ?? null) as never)}
  returning evidence_id`;
