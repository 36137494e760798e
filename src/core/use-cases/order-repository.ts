// Orders and their orchestration link (seed 004 §14.1).
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { emit } from '../../events/emit.ts';
import { JobDataError } from '../domain/job-data-error.ts';
import { ORDER_STATUSES, orderSnapshotSchema, type OrderSnapshot, type OrderStatus } from '../domain/order.ts';

export class OrderNotFound extends JobDataError {
  override readonly name = 'OrderNotFound';
}

const orderRow = z.object({ order_snapshot: z.unknown(), order_status: z.enum(ORDER_STATUSES) });

export async function loadOrder(db: CommonQueryMethods, orderId: string): Promise<{ snapshot: OrderSnapshot; status: OrderStatus }> {
  const row = await db.maybeOne(sql.type(orderRow)`select order_snapshot, order_status from customer_order where order_id = ${orderId}`);
  if (!row) throw new OrderNotFound(`order ${orderId} does not exist`);
  return { snapshot: orderSnapshotSchema.parse(row.order_snapshot), status: row.order_status };
}

/** Moves the order to a status; terminal statuses are never left (a late job cannot reopen an order). */
export async function setOrderStatus(db: CommonQueryMethods, orderId: string, status: OrderStatus): Promise<OrderStatus> {
  const row = await db.maybeOne(sql.type(z.object({ order_status: z.enum(ORDER_STATUSES) }))`
    update customer_order set order_status = ${status}, updated_at = now()
    where order_id = ${orderId} and (order_status not in ('COMPLETED', 'REJECTED', 'CANCELLED') or order_status = ${status})
    returning order_status`);
  if (row) return row.order_status;
  return (await loadOrder(db, orderId)).status;
}

/** ACCEPTED → IN_FULFILLMENT, announced in the same transaction; false when it had already started. */
export async function markFulfillmentStarted(db: CommonQueryMethods, order: OrderSnapshot, causationId: string): Promise<boolean> {
  const started = await db.maybeOne(sql.unsafe`
    update customer_order set order_status = 'IN_FULFILLMENT', updated_at = now() where order_id = ${order.orderId} and order_status = 'ACCEPTED' returning order_id`);
  if (!started) return false;
  await emit(db, 'FulfillmentStarted', { orderId: order.orderId, correlationId: order.correlationId, causationId, payload: { tenantId: order.tenantId, customerAccountId: order.customerAccountId, itemCount: order.items.length } });
  return true;
}

/** Links the process instance that serves the order (idempotent; first link wins). */
export async function linkProcessInstance(db: CommonQueryMethods, orderId: string, processInstanceKey: string, lastActivity: string): Promise<void> {
  await db.query(sql.unsafe`
    update order_orchestration_link
    set process_instance_key = coalesce(process_instance_key, ${processInstanceKey}), last_known_activity = ${lastActivity}, last_sync_at = now()
    where order_id = ${orderId}`);
}

export async function markOrchestrationEnded(db: CommonQueryMethods, orderId: string, lastActivity: string): Promise<void> {
  await db.query(sql.unsafe`
    update order_orchestration_link set ended_at = coalesce(ended_at, now()), last_known_activity = ${lastActivity}, last_sync_at = now()
    where order_id = ${orderId}`);
}
