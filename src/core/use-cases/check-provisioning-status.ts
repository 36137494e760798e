// Use case (SLA poll): ask the provider where an activation stands; a final answer is delivered to
// the waiting process exactly like a callback would be.
import { z } from 'zod';
import { PROVISIONING_STATUSES } from '../ports/provisioning.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import { toEngineAction } from '../../integration/outcome-mapping.ts';
import { findTask } from './fulfillment-task-repository.ts';
import { loadOrder } from './order-repository.ts';
import { callLeaseMs, startReconciliation } from './external-step.ts';
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

export async function checkProvisioningStatus(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { snapshot: order } = await loadOrder(s.db, input.orderId);
  const activation = await findTask(s.db, { orderId: order.orderId, orderItemId: input.orderItemId, taskType: 'ACTIVATE_SERVICE' });
  if (!activation?.externalRequestId) return complete({ provisioningPollStatus: 'NOT_SUBMITTED' });
  const providerRequestId = activation.externalRequestId;
  // A read: recorded in the ledger like every external call, but it changes no fulfillment task.
  const outcome = await s.calls.run({
    tenantId: order.tenantId,
    system: 'PROVISIONING',
    operation: 'CHECK_STATUS',
    businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${input.orderItemId}` },
    // every poll is its own call: one ledger row per timer firing
    idempotencyKey: `provisioning-status:${providerRequestId}:${job.elementInstanceKey}`,
    correlationId: order.correlationId,
    causationId: `job:${job.key}`,
    request: { providerRequestId },
    resultSchema: result,
    send: () => s.portsFor(order.tenantId).provisioning.status(providerRequestId),
    leaseMs: await callLeaseMs(s, order.tenantId, 'PROVISIONING'),
    context: { orderId: order.orderId, jobKey: job.key, processInstanceKey: job.processInstanceKey, bpmnProcessId: job.bpmnProcessId },
  });
  if (outcome.kind === 'ambiguous') await startReconciliation(s, outcome.reconciliationCaseId);
  const action = toEngineAction(outcome, { subject: `PROVISIONING status of ${providerRequestId} (order ${order.orderId} item ${input.orderItemId})`, onSuccess: (v) => ({ provisioningPollStatus: v.status }) }, job);
  if (outcome.kind === 'succeeded') {
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
