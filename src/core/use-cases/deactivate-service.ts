// Use case (compensation): undo an item's service activation. Never activated → nothing to undo.
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import { runExternalStep } from './external-step.ts';
import { findTask, setTaskStatus } from './fulfillment-task-repository.ts';
import { loadOrder } from './order-repository.ts';
import { orderItem } from './order-item.ts';
import { provisioningCommand } from './provisioning-command.ts';
import type { FarmServices } from '../services.ts';
import { deactivateServiceRecord as record } from './step-records.ts';

export async function deactivateService(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { snapshot: order } = await loadOrder(s.db, input.orderId);
  const item = orderItem(order, input.orderItemId);
  const activation = await findTask(s.db, { orderId: order.orderId, orderItemId: item.orderItemId, taskType: 'ACTIVATE_SERVICE' });
  // Only requests the provider accepted can have created anything there.
  if (!activation?.externalRequestId || !['WAITING_EXTERNAL', 'SUCCEEDED', 'FAILED', 'COMPENSATED'].includes(activation.status)) {
    return complete({ deactivationRequested: false });
  }
  const idempotencyKey = idempotencyKeys.provisioning(order.tenantId, order.orderId, item.orderItemId, 'DEACTIVATE');
  const { outcome, action } = await runExternalStep(s, job, {
    order,
    task: { orderId: order.orderId, orderItemId: item.orderItemId, taskType: 'DEACTIVATE_SERVICE' },
    capability: null, // compensation: undoes an activation the provider accepted
    call: {
      system: 'PROVISIONING',
      operation: 'DEACTIVATE_SERVICE',
      businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item.orderItemId}` },
      idempotencyKey,
      request: { tenantId: order.tenantId, orderId: order.orderId, orderItemId: item.orderItemId, action: 'DEACTIVATE', serviceSpecificationCode: item.serviceSpecificationCode, activationRequestId: activation.externalRequestId },
      resultSchema: record.resultSchema,
      send: (taskId) =>
        s.portsFor(order.tenantId).provisioning.submit(
          provisioningCommand(order, item, {
            fulfillmentTaskId: taskId,
            action: 'DEACTIVATE',
            idempotencyKey,
            callbackUrl: s.config.PROVISIONING_CALLBACK_URL,
            technicalParameters: { activationRequestId: activation.externalRequestId ?? '' },
          }),
        ),
    },
    policy: () => ({ subject: `PROVISIONING deactivate ${item.serviceSpecificationCode} for order ${order.orderId} item ${item.orderItemId}`, onSuccess: () => ({ deactivationRequested: true }) }),
    taskResult: record.taskResult,
  });
  if (outcome.kind === 'succeeded' || outcome.kind === 'accepted') await setTaskStatus(s.db, activation.id, 'COMPENSATED');
  return action;
}
