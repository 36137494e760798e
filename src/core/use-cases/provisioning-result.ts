// A provisioning request's final result, however it arrives (callback, result event, status poll):
// recorded once on the attempt and the fulfillment task, and handed to the waiting process as the
// ProvisioningCompleted message. The message id is the task's, so a result delivered twice (or by
// two channels) reaches the process once.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { ProvisioningStatus } from '../ports/provisioning.ts';
import { MESSAGES } from '../domain/bpmn-errors.ts';
import { emit } from '../../events/emit.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';

export interface ProvisioningResult {
  readonly providerRequestId: string;
  readonly status: ProvisioningStatus;
  readonly serviceInstanceId?: string | undefined;
  readonly failureReason?: string | undefined;
  /** how the result arrived, for the evidence */
  readonly channel: 'CALLBACK' | 'EVENT' | 'POLL';
  readonly rawSnapshot?: unknown;
}

export type ResultHandling =
  | { readonly kind: 'published'; readonly fulfillmentTaskId: string; readonly status: 'SUCCEEDED' | 'FAILED' }
  | { readonly kind: 'not-final'; readonly fulfillmentTaskId: string }
  | { readonly kind: 'unknown-request' };

/** How long a result waits in the engine for its receive task (it may arrive before the task is entered). */
export const RESULT_MESSAGE_TTL_MS = 60 * 60_000;

const taskRow = z.object({
  fulfillment_task_id: z.string(),
  task_type: z.string(),
  status: z.string(),
  last_external_call_id: z.string().nullable(),
  attempt_no: z.number().nullable(),
  order_id: z.string(),
  order_item_id: z.string().nullable(),
  correlation_id: z.string(),
});

export async function handleProvisioningResult(db: DatabasePool, messages: MessagePublisher, r: ProvisioningResult): Promise<ResultHandling> {
  const task = await db.maybeOne(sql.type(taskRow)`
    select t.fulfillment_task_id, t.task_type, t.status, t.last_external_call_id, a.attempt_no, t.order_id, t.order_item_id, o.correlation_id
    from fulfillment_task t join customer_order o on o.order_id = t.order_id
    left join external_call_attempt a on a.external_call_id = t.last_external_call_id
    where t.external_request_id = ${r.providerRequestId} and t.task_type in ('ACTIVATE_SERVICE', 'DEACTIVATE_SERVICE')`);
  if (!task) return { kind: 'unknown-request' };
  if (r.status !== 'SUCCEEDED' && r.status !== 'FAILED') return { kind: 'not-final', fulfillmentTaskId: task.fulfillment_task_id };

  await db.transaction(async (tx) => {
    // first final result wins; a repeat only adds evidence
    const moved = await tx.query(sql.unsafe`
      update fulfillment_task set status = ${r.status}, result = coalesce(result, '{}'::jsonb) || ${sql.jsonb({ serviceInstanceId: r.serviceInstanceId ?? null, failureReason: r.failureReason ?? null })}, updated_at = now()
      where fulfillment_task_id = ${task.fulfillment_task_id} and status in ('WAITING_EXTERNAL', 'IN_PROGRESS', 'FAILED', 'AMBIGUOUS')`);
    if (moved.rowCount === 1 && task.task_type === 'ACTIVATE_SERVICE') {
      const base = { orderId: task.order_id, correlationId: task.correlation_id, causationId: `provisioning-result:${r.providerRequestId}:${r.channel.toLowerCase()}` };
      const orderItemId = task.order_item_id ?? '';
      if (r.status === 'SUCCEEDED') await emit(tx, 'ServiceProvisioned', { ...base, payload: { orderItemId, providerRequestId: r.providerRequestId, serviceInstanceId: r.serviceInstanceId ?? '' } });
      else await emit(tx, 'ServiceProvisioningFailed', { ...base, payload: { orderItemId, providerRequestId: r.providerRequestId, reason: r.failureReason ?? 'provisioning failed' } });
    }
    if (task.last_external_call_id) {
      if (moved.rowCount === 1) {
        await tx.query(sql.unsafe`
          update external_call_attempt
          set status = ${r.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'REJECTED'},
              failure_category = ${r.status === 'FAILED' ? 'BUSINESS_REJECTED' : null}, failure_reason = ${r.failureReason ?? null},
              completed_at = now(), updated_at = now()
          where external_call_id = ${task.last_external_call_id} and status = 'PENDING'`);
      }
      await tx.query(sql.unsafe`
        insert into external_call_evidence (evidence_id, external_call_id, attempt_no, kind, outcome, detail, response_snapshot)
        values (gen_random_uuid(), ${task.last_external_call_id}, ${task.attempt_no ?? 1}, 'CALLBACK', ${r.status},
          ${`${r.channel.toLowerCase()}: ${moved.rowCount === 1 ? 'final result' : 'repeated result'}`}, ${sql.jsonb((r.rawSnapshot ?? null) as never)})`);
    }
  });

  if (task.task_type === 'ACTIVATE_SERVICE') {
    await messages.publish({
      name: MESSAGES.provisioningCompleted,
      correlationKey: task.fulfillment_task_id,
      messageId: `provisioning-result:${task.fulfillment_task_id}`,
      variables: { provisioningStatus: r.status, serviceInstanceId: r.serviceInstanceId ?? null, provisioningFailureReason: r.failureReason ?? null },
      timeToLiveMs: RESULT_MESSAGE_TTL_MS,
    });
  }
  return { kind: 'published', fulfillmentTaskId: task.fulfillment_task_id, status: r.status };
}
