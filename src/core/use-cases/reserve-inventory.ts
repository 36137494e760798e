// Use case: hold the resource one order item needs (seed 000 §12).
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import { runExternalStep } from './external-step.ts';
import { loadOrder } from './order-repository.ts';
import { orderItem } from './order-item.ts';
import type { FarmServices } from '../services.ts';
import { reserveInventoryRecord as record } from './step-records.ts';

export async function reserveInventory(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { snapshot: order } = await loadOrder(s.db, input.orderId);
  const item = orderItem(order, input.orderItemId);
  const command = {
    tenantId: order.tenantId,
    orderId: order.orderId,
    orderItemId: item.orderItemId,
    resourceType: item.resourceType,
    quantity: item.quantity,
    constraints: item.technicalParameters,
    idempotencyKey: idempotencyKeys.inventoryReservation(order.tenantId, order.orderId, item.orderItemId),
    correlationId: order.correlationId,
  };
  const { action } = await runExternalStep(s, job, {
    order,
    task: { orderId: order.orderId, orderItemId: item.orderItemId, taskType: 'RESERVE_INVENTORY' },
    capability: 'INVENTORY_RESERVE_NUMBER',
    call: {
      system: 'INVENTORY',
      operation: 'RESERVE_RESOURCE',
      businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item.orderItemId}` },
      idempotencyKey: command.idempotencyKey,
      request: command,
      resultSchema: record.resultSchema,
      send: () => s.portsFor(order.tenantId).inventory.reserve(command),
    },
    policy: () => ({
      subject: `INVENTORY reserve ${item.resourceType} for order ${order.orderId} item ${item.orderItemId}`,
      onSuccess: (v) => ({ reservationId: v.reservationId }),
      rejectionErrorCode: BPMN_ERRORS.inventoryUnavailable,
      conflictErrorCode: BPMN_ERRORS.externalConflict,
    }),
    taskResult: record.taskResult,
    announce: (v) => record.announce(v, { orderItemId: item.orderItemId, businessObjectId: `${order.orderId}/${item.orderItemId}` }),
  });
  return action;
}
