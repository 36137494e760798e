// Orders and their orchestration link (seed 004 §14.1), as the use cases see them. Not a repository:
// the SQL is in src/repositories/customer-order.ts and order-orchestration-link.ts.
import type { CommonQueryMethods } from 'slonik';
import { emit } from '../../events/emit.ts';
import { JobDataError } from '../domain/job-data-error.ts';
import { orderSnapshotSchema, type OrderSnapshot, type OrderStatus } from '../domain/order.ts';
import { findOrder, startFulfillment, updateOrderStatus } from '../../repositories/customer-order.ts';
export { linkProcessInstance, markOrchestrationEnded } from '../../repositories/order-orchestration-link.ts';

export class OrderNotFound extends JobDataError {
  override readonly name = 'OrderNotFound';
}

export async function loadOrder(db: CommonQueryMethods, orderId: string): Promise<{ snapshot: OrderSnapshot; status: OrderStatus }> {
  const row = await findOrder(db, orderId);
  if (!row) throw new OrderNotFound(`order ${orderId} does not exist`);
  return { snapshot: orderSnapshotSchema.parse(row.order_snapshot), status: row.order_status };
}

/** Moves the order to a status; terminal statuses are never left (a late job cannot reopen an order). */
export async function setOrderStatus(db: CommonQueryMethods, orderId: string, status: OrderStatus): Promise<OrderStatus> {
  return (await updateOrderStatus(db, orderId, status)) ?? (await loadOrder(db, orderId)).status;
}

/** ACCEPTED → IN_FULFILLMENT, announced in the same transaction; false when it had already started. */
export async function markFulfillmentStarted(db: CommonQueryMethods, order: OrderSnapshot, causationId: string): Promise<boolean> {
  if (!(await startFulfillment(db, order.orderId))) return false;
  await emit(db, 'FulfillmentStarted', { orderId: order.orderId, correlationId: order.correlationId, causationId, payload: { tenantId: order.tenantId, customerAccountId: order.customerAccountId, itemCount: order.items.length } });
  return true;
}
