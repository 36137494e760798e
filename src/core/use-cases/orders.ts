// Orders (seed 004 §14.1) as the use cases see them. Not a repository: the SQL is in
// src/repositories/customer-order.ts.
import type { CommonQueryMethods } from 'slonik';
import { emit } from '../../events/emit.ts';
import { JobDataError } from '../domain/job-data-error.ts';
import { orderSnapshotSchema, type OrderSnapshot, type OrderStatus } from '../domain/order.ts';
import { findOrder, startFulfillment } from '../../repositories/customer-order.ts';

export class OrderNotFound extends JobDataError {
  override readonly name = 'OrderNotFound';
}

export async function loadOrder(db: CommonQueryMethods, orderId: string): Promise<{ snapshot: OrderSnapshot; status: OrderStatus }> {
  const row = await findOrder(db, orderId);
  if (!row) throw new OrderNotFound(`order ${orderId} does not exist`);
  return { snapshot: orderSnapshotSchema.parse(row.order_snapshot), status: row.order_status };
}

/** ACCEPTED → IN_FULFILLMENT, announced in the same transaction; false when it had already started. */
export async function markFulfillmentStarted(db: CommonQueryMethods, order: OrderSnapshot, causationId: string): Promise<boolean> {
  if (!(await startFulfillment(db, order.orderId))) return false;
  await emit(db, 'FulfillmentStarted', { orderId: order.orderId, correlationId: order.correlationId, causationId, payload: { tenantId: order.tenantId, customerAccountId: order.customerAccountId, itemCount: order.items.length } });
  return true;
}
