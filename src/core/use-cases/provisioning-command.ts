// The provisioning command of one order item, as activation and its compensation both send it.
import type { ProvisioningCommand } from '../ports/provisioning.ts';
import type { OrderItem, OrderSnapshot } from '../domain/order.ts';

export function provisioningCommand(
  order: OrderSnapshot,
  item: OrderItem,
  args: { readonly fulfillmentTaskId: string; readonly action: ProvisioningCommand['action']; readonly idempotencyKey: string; readonly callbackUrl: string; readonly technicalParameters: ProvisioningCommand['technicalParameters'] },
): ProvisioningCommand {
  return {
    tenantId: order.tenantId,
    orderId: order.orderId,
    orderItemId: item.orderItemId,
    fulfillmentTaskId: args.fulfillmentTaskId,
    action: args.action,
    serviceSpecificationCode: item.serviceSpecificationCode,
    technicalParameters: args.technicalParameters,
    idempotencyKey: args.idempotencyKey,
    correlationId: order.correlationId,
    callbackUrl: args.callbackUrl,
  };
}
