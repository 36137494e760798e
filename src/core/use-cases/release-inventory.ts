// Use case (compensation): give back what an item's reservation held. Nothing reserved → nothing to do.
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import { runExternalStep } from './external-step.ts';
import { findTask, setTaskStatus } from './fulfillment-task-repository.ts';
import { loadOrder } from './order-repository.ts';
import { orderItem } from './order-item.ts';
import type { FarmServices } from '../services.ts';
import { releaseInventoryRecord as record } from './step-records.ts';

export async function releaseInventory(s: FarmServices, job: JobRef, input: { orderId: string; orderItemId: string }): Promise<EngineAction> {
  const { snapshot: order } = await loadOrder(s.db, input.orderId);
  const item = orderItem(order, input.orderItemId);
  const reservation = await findTask(s.db, { orderId: order.orderId, orderItemId: item.orderItemId, taskType: 'RESERVE_INVENTORY' });
  if (!reservation?.externalReferenceId || !['SUCCEEDED', 'COMPENSATED'].includes(reservation.status)) {
    return complete({ released: false });
  }
  const command = {
    tenantId: order.tenantId,
    orderId: order.orderId,
    orderItemId: item.orderItemId,
    reservationId: reservation.externalReferenceId,
    idempotencyKey: idempotencyKeys.inventoryRelease(order.tenantId, order.orderId, item.orderItemId),
    correlationId: order.correlationId,
  };
  const { outcome, action } = await runExternalStep(s, job, {
    order,
    task: { orderId: order.orderId, orderItemId: item.orderItemId, taskType: 'RELEASE_INVENTORY' },
    capability: null, // compensation: undoes a reservation that was made
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
  });
  if (outcome.kind === 'succeeded') await setTaskStatus(s.db, reservation.id, 'COMPENSATED');
  return action;
}
