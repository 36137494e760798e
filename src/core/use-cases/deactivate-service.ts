// Use case (compensation): undo an item's service activation. Never activated → nothing to undo.
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { FulfillmentTaskStatus } from '../domain/fulfillment-task.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { ProvisioningAccepted } from '../ports/provisioning.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import { orderItem } from './order-item.ts';
import { provisioningCommand } from './provisioning-command.ts';
import type { FarmServices } from '../services.ts';
import { deactivateServiceRecord as record } from './step-records.ts';

/** Only requests the provider accepted can have created anything there (the first statement asks the same in SQL). */
const UNDOABLE: readonly FulfillmentTaskStatus[] = ['WAITING_EXTERNAL', 'SUCCEEDED', 'FAILED', 'COMPENSATED'];

export async function deactivateService(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<ProvisioningAccepted>(s, job, {
    orderId: input.orderId,
    orderItemId: input.orderItemId,
    task: { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'DEACTIVATE_SERVICE' },
    related: { scope: { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'ACTIVATE_SERVICE' }, requires: { holds: 'external_request_id', statuses: UNDOABLE } },
    claim: { system: 'PROVISIONING', operation: 'DEACTIVATE_SERVICE', businessObjectType: 'ORDER_ITEM', businessObjectId: claimSubjects.orderItem(input.orderItemId), idempotencyKey: claimKeys.provisioning(input.orderItemId, 'DEACTIVATE') },
    capability: null, // compensation: undoes an activation the provider accepted
    build: ({ order, related: activation }) => {
      const item = orderItem(order, input.orderItemId);
      if (!activation?.externalRequestId || !UNDOABLE.includes(activation.status)) return { nothingToDo: complete({ deactivationRequested: false }) };
      const activationRequestId = activation.externalRequestId;
      const idempotencyKey = idempotencyKeys.provisioning(order.tenantId, order.orderId, item.orderItemId, 'DEACTIVATE');
      return {
        call: {
          system: 'PROVISIONING',
          operation: 'DEACTIVATE_SERVICE',
          businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item.orderItemId}` },
          idempotencyKey,
          request: { tenantId: order.tenantId, orderId: order.orderId, orderItemId: item.orderItemId, action: 'DEACTIVATE', serviceSpecificationCode: item.serviceSpecificationCode, activationRequestId },
          resultSchema: record.resultSchema,
          send: (taskId) =>
            s.portsFor(order.tenantId).provisioning.submit(
              provisioningCommand(order, item, {
                fulfillmentTaskId: taskId,
                action: 'DEACTIVATE',
                idempotencyKey,
                callbackUrl: s.config.PROVISIONING_CALLBACK_URL,
                technicalParameters: { activationRequestId },
              }),
            ),
        },
        policy: () => ({ subject: `PROVISIONING deactivate ${item.serviceSpecificationCode} for order ${order.orderId} item ${item.orderItemId}`, onSuccess: () => ({ deactivationRequested: true }) }),
        taskResult: record.taskResult,
        marksOnSuccess: { taskId: activation.id, status: 'COMPENSATED' },
      };
    },
  });
  return action;
}
