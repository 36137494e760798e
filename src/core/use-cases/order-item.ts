import { JobDataError } from '../domain/job-data-error.ts';
import type { OrderItem, OrderSnapshot } from '../domain/order.ts';

export class OrderItemNotFound extends JobDataError {
  override readonly name = 'OrderItemNotFound';
}

export function orderItem(order: OrderSnapshot, orderItemId: string): OrderItem {
  const item = order.items.find((i) => i.orderItemId === orderItemId);
  if (!item) throw new OrderItemNotFound(`order ${order.orderId} has no item ${orderItemId}`);
  return item;
}
