// Use case: where an order stands, for GET /orders/{orderId}: its status, the process instance
// serving it and its fulfillment tasks. A read; not on any hot path.
import type { DatabasePool } from 'slonik';
import { findOrderSummary } from '../../repositories/customer-order.ts';
import { processInstanceKeyOf } from '../../repositories/order-orchestration-link.ts';
import { tasksOfOrder } from '../../repositories/fulfillment-task.ts';

export interface OrderView {
  readonly orderId: string;
  readonly status: string;
  readonly correlationId: string;
  readonly processInstanceKey: string | null;
  readonly tasks: readonly { readonly taskType: string; readonly orderItemId: string | null; readonly status: string }[];
}

export async function readOrder(db: DatabasePool, orderId: string): Promise<OrderView | null> {
  const order = await findOrderSummary(db, orderId);
  if (!order) return null;
  const [processInstanceKey, tasks] = await Promise.all([processInstanceKeyOf(db, orderId), tasksOfOrder(db, orderId)]);
  return {
    orderId: order.order_id,
    status: order.order_status,
    correlationId: order.correlation_id,
    processInstanceKey,
    tasks: tasks.map((t) => ({ taskType: t.task_type, orderItemId: t.order_item_id, status: t.status })),
  };
}
