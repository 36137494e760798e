// Deterministic, business-scoped idempotency keys (never the job key: a job re-activated after a
// timeout, or a retried one, must present the same key to the external system and the ledger).
const part = (v: string | number): string => String(v).replaceAll(':', '_');

export const idempotencyKeys = {
  customerAccountValidation: (tenantId: string, orderId: string, customerAccountId: string) =>
    `crm-account-validation:${part(tenantId)}:${part(orderId)}:${part(customerAccountId)}`,
  inventoryReservation: (tenantId: string, orderId: string, orderItemId: string) => `inventory-reservation:${part(tenantId)}:${part(orderId)}:${part(orderItemId)}`,
  inventoryRelease: (tenantId: string, orderId: string, orderItemId: string) => `inventory-release:${part(tenantId)}:${part(orderId)}:${part(orderItemId)}`,
  provisioning: (tenantId: string, orderId: string, orderItemId: string, action: 'ACTIVATE' | 'DEACTIVATE') =>
    `provisioning:${part(tenantId)}:${part(orderId)}:${part(orderItemId)}:${action}`,
  billingActivation: (tenantId: string, orderId: string, subscriptionId: string, chargeSnapshotVersion: number) =>
    `billing-activation:${part(tenantId)}:${part(orderId)}:${part(subscriptionId)}:v${chargeSnapshotVersion}`,
  notification: (templateCode: string, businessObjectId: string, recipient: string, milestone: string) =>
    `notification:${part(templateCode)}:${part(businessObjectId)}:${part(recipient)}:${part(milestone)}`,
} as const;
