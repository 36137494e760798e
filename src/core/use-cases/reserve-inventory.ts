// Use case: hold the resource one order item needs (seed 000 §12).
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { InventoryReservation } from '../ports/inventory.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import { orderItem } from './order-item.ts';
import type { FarmServices } from '../services.ts';
import { reserveInventoryRecord as record } from './step-records.ts';

export async function reserveInventory(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<InventoryReservation>(s, job, {
    orderId: input.orderId,
    orderItemId: input.orderItemId,
    task: { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'RESERVE_INVENTORY' },
    claim: { system: 'INVENTORY', operation: 'RESERVE_RESOURCE', businessObjectType: 'ORDER_ITEM', businessObjectId: claimSubjects.orderItem(input.orderItemId), idempotencyKey: claimKeys.inventoryReservation(input.orderItemId) },
    capability: 'INVENTORY_RESERVE_NUMBER',
    build: ({ order }) => {
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
      return {
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
      };
    },
  });
  return action;
}
