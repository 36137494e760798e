// Use case (SLA poll): ask the provider where an activation stands; a final answer is delivered to
// the waiting process exactly like a callback would be. Two statements for a poll: one reads the
// order and the activation and claims the poll's key (from the activation's request id), one stores
// the answer; a final answer then takes the provisioning result's own path.
import { sql } from 'slonik';
import { z } from 'zod';
import { FULFILLMENT_TASK_STATUSES } from '../domain/fulfillment-task.ts';
import { orderSnapshotSchema } from '../domain/order.ts';
import { PROVISIONING_STATUSES } from '../ports/provisioning.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import { jobCausationId, type JobRef } from '../ports/job.ts';
import { toEngineAction } from '../../integration/outcome-mapping.ts';
import { attemptRow } from '../../integration/ledger/attempt-ledger.ts';
import { claimFromOrderInsert, releaseUnusedClaim } from '../../repositories/external-call-attempt.ts';
import { orderSelect } from '../../repositories/customer-order.ts';
import { taskQualifies, taskRow, taskSelect } from '../../repositories/fulfillment-task.ts';
import { OrderNotFound } from './orders.ts';
import { claimSubjects } from './claim-keys.ts';
import { longestLeaseMs, callLeaseMs, startReconciliation } from './external-step.ts';
import { handleProvisioningResult } from './provisioning-result.ts';
import type { FarmServices } from '../services.ts';

const result = z.object({
  providerRequestId: z.string(),
  status: z.enum(PROVISIONING_STATUSES),
  serviceInstanceId: z.string().optional(),
  failureReason: z.string().optional(),
  orderId: z.string().optional(),
  orderItemId: z.string().optional(),
});

const prepared = z.object({ order_snapshot: z.unknown(), claimed: z.unknown().nullable(), activation: z.unknown().nullable() });

/** every poll is its own call: one ledger row per timer firing */
const pollKey = (providerRequestId: string, job: JobRef) => `provisioning-status:${providerRequestId}:${job.elementInstanceKey}`;

export async function checkProvisioningStatus(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const businessObject = { type: 'ORDER_ITEM', id: `${input.orderId}/${input.orderItemId}` };
  // statement 1: the order, the activation, and (only when the activation has a request) the poll's claim
  const row = await s.db.maybeOne(sql.type(prepared)`
    with ord as (${orderSelect(input.orderId)}),
      related as (${taskSelect({ orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'ACTIVATE_SERVICE' })}),
      subject as (select o.* from ord o where ${taskQualifies('related', { holds: 'external_request_id', statuses: FULFILLMENT_TASK_STATUSES })}),
      claim as (${claimFromOrderInsert('subject', {
        system: 'PROVISIONING',
        operation: 'CHECK_STATUS',
        businessObjectType: businessObject.type,
        businessObjectId: claimSubjects.orderItem(input.orderItemId),
        idempotencyKey: ['provisioning-status:', { cte: 'related', column: 'external_request_id' }, `:${job.elementInstanceKey}`],
        causationId: jobCausationId(job),
        leaseMs: longestLeaseMs(s),
      })})
    select o.order_snapshot, (select to_jsonb(c) from claim c) as claimed, (select to_jsonb(r) from related r) as activation
    from ord o`);
  if (!row) throw new OrderNotFound(`order ${input.orderId} does not exist`);
  const order = orderSnapshotSchema.parse(row.order_snapshot);
  const claimed = row.claimed === null ? undefined : attemptRow.parse(row.claimed);
  const providerRequestId = row.activation === null ? null : taskRow.parse(row.activation).external_request_id;
  if (!providerRequestId) {
    if (claimed) await releaseUnusedClaim(s.db, claimed.external_call_id);
    return complete({ provisioningPollStatus: 'NOT_SUBMITTED' });
  }
  if (claimed && claimed.idempotency_key !== pollKey(providerRequestId, job)) {
    await releaseUnusedClaim(s.db, claimed.external_call_id);
    throw new Error(`the claimed key ${claimed.idempotency_key} is not the poll's key ${pollKey(providerRequestId, job)}`);
  }
  // A read: recorded in the ledger like every external call, but it changes no fulfillment task.
  const outcome = await s.calls.run({
    tenantId: order.tenantId,
    system: 'PROVISIONING',
    operation: 'CHECK_STATUS',
    businessObject,
    idempotencyKey: pollKey(providerRequestId, job),
    correlationId: order.correlationId,
    causationId: jobCausationId(job),
    request: { providerRequestId },
    resultSchema: result,
    send: () => s.portsFor(order.tenantId).provisioning.status(providerRequestId),
    leaseMs: claimed ? longestLeaseMs(s) : await callLeaseMs(s, order.tenantId, 'PROVISIONING'),
    context: { orderId: order.orderId, jobKey: job.key, processInstanceKey: job.processInstanceKey, bpmnProcessId: job.bpmnProcessId },
    claimed,
  });
  if (outcome.kind === 'ambiguous') await startReconciliation(s, outcome.reconciliationCaseId);
  const action = toEngineAction(outcome, { subject: `PROVISIONING status of ${providerRequestId} (order ${order.orderId} item ${input.orderItemId})`, onSuccess: (v) => ({ provisioningPollStatus: v.status }) }, job);
  // only a final answer is a result to deliver (a status still under way changes nothing)
  if (outcome.kind === 'succeeded' && (outcome.value.status === 'SUCCEEDED' || outcome.value.status === 'FAILED')) {
    await handleProvisioningResult(s.db, s.messages, {
      providerRequestId,
      status: outcome.value.status,
      serviceInstanceId: outcome.value.serviceInstanceId,
      failureReason: outcome.value.failureReason,
      channel: 'POLL',
      rawSnapshot: outcome.value,
    });
  }
  return action;
}
