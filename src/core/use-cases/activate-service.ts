// Use case: ask provisioning to activate one item's service (asynchronous: accepted now, the
// result arrives by callback, event or status poll and is correlated by the fulfillment task id).
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { ProvisioningAccepted } from '../ports/provisioning.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import { orderItem } from './order-item.ts';
import { provisioningCommand } from './provisioning-command.ts';
import type { FarmServices } from '../services.ts';
import { activateServiceRecord as record } from './step-records.ts';

export async function activateService(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<ProvisioningAccepted>(s, job, {
    orderId: input.orderId,
    orderItemId: input.orderItemId,
    task: { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'ACTIVATE_SERVICE' },
    claim: { system: 'PROVISIONING', operation: 'ACTIVATE_SERVICE', businessObjectType: 'ORDER_ITEM', businessObjectId: claimSubjects.orderItem(input.orderItemId), idempotencyKey: claimKeys.provisioning(input.orderItemId, 'ACTIVATE') },
    capability: 'PROVISIONING_ACTIVATE_SERVICE',
    build: ({ order }) => {
      const item = orderItem(order, input.orderItemId);
      const idempotencyKey = idempotencyKeys.provisioning(order.tenantId, order.orderId, item.orderItemId, 'ACTIVATE');
      return {
        call: {
          system: 'PROVISIONING',
          operation: 'ACTIVATE_SERVICE',
          businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item.orderItemId}` },
          idempotencyKey,
          // hashed without the task id or callback address: a rebuilt command is the same request
          request: { tenantId: order.tenantId, orderId: order.orderId, orderItemId: item.orderItemId, action: 'ACTIVATE', serviceSpecificationCode: item.serviceSpecificationCode, technicalParameters: item.technicalParameters },
          resultSchema: record.resultSchema,
          send: (taskId) =>
            s.portsFor(order.tenantId).provisioning.submit(
              provisioningCommand(order, item, { fulfillmentTaskId: taskId, action: 'ACTIVATE', idempotencyKey, callbackUrl: s.config.PROVISIONING_CALLBACK_URL, technicalParameters: item.technicalParameters }),
            ),
        },
        policy: (taskId) => ({
          subject: `PROVISIONING activate ${item.serviceSpecificationCode} for order ${order.orderId} item ${item.orderItemId}`,
          onSuccess: (v) => ({ provisioningTaskId: taskId, providerRequestId: v.providerRequestId }),
          rejectionErrorCode: BPMN_ERRORS.provisioningRejected,
          conflictErrorCode: BPMN_ERRORS.externalConflict,
        }),
        taskResult: record.taskResult,
      };
    },
  });
  return action;
}
