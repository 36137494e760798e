// Use case (compensation): give back what an item's reservation held. Nothing reserved → nothing to do.
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { FulfillmentTaskStatus } from '../domain/fulfillment-task.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { InventoryRelease } from '../ports/inventory.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import { orderItem } from './order-item.ts';
import type { FarmServices } from '../services.ts';
import { releaseInventoryRecord as record } from './step-records.ts';

/** A reservation there is something to release of (the first statement asks the same in SQL). */
const RELEASABLE: readonly FulfillmentTaskStatus[] = ['SUCCEEDED', 'COMPENSATED'];

export async function releaseInventory(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const reservationScope = { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'RESERVE_INVENTORY' } as const;
  const { action } = await runExternalStep<InventoryRelease>(s, job, {
    orderId: input.orderId,
    orderItemId: input.orderItemId,
    task: { orderId: input.orderId, orderItemId: input.orderItemId, taskType: 'RELEASE_INVENTORY' },
    related: { scope: reservationScope, requires: { holds: 'external_reference_id', statuses: RELEASABLE } },
    claim: { system: 'INVENTORY', operation: 'RELEASE_RESOURCE', businessObjectType: 'ORDER_ITEM', businessObjectId: claimSubjects.orderItem(input.orderItemId), idempotencyKey: claimKeys.inventoryRelease(input.orderItemId) },
    capability: null, // compensation: undoes a reservation that was made
    build: ({ order, related: reservation }) => {
      const item = orderItem(order, input.orderItemId);
      if (!reservation?.externalReferenceId || !RELEASABLE.includes(reservation.status)) return { nothingToDo: complete({ released: false }) };
      const command = {
        tenantId: order.tenantId,
        orderId: order.orderId,
        orderItemId: item.orderItemId,
        reservationId: reservation.externalReferenceId,
        idempotencyKey: idempotencyKeys.inventoryRelease(order.tenantId, order.orderId, item.orderItemId),
        correlationId: order.correlationId,
      };
      return {
        call: {
          system: 'INVENTORY',
          operation: 'RELEASE_RESOURCE',
          businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item.orderItemId}` },
          idempotencyKey: command.idempotencyKey,
          request: command,
          resultSchema: record.resultSchema,
          send: () => s.portsFor(order.tenantId).inventory.release(command),
        },
        // A compensation handler has no business error path: anything but success is an incident.
        policy: () => ({ subject: `INVENTORY release ${command.reservationId} for order ${order.orderId} item ${item.orderItemId}`, onSuccess: () => ({ released: true }) }),
        announce: (v) => record.announce(v, { orderItemId: item.orderItemId, businessObjectId: `${order.orderId}/${item.orderItemId}` }),
        marksOnSuccess: { taskId: reservation.id, status: 'COMPENSATED' },
      };
    },
  });
  return action;
}
