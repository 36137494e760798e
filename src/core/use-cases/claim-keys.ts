// The idempotency keys of src/core/domain/idempotency-keys.ts, as a job's first statement computes
// them in SQL from the order row it reads (the claim comes before the order is in memory). Each
// recipe must give exactly the key its function gives: runExternalStep compares the two before
// anything is sent, and test/integration/round-trips.test.ts checks every recipe.
import type { OrderText } from '../../repositories/external-call-attempt.ts';

const field = (...path: string[]) => ({ field: path, keyPart: true }) as const;
/** a part known before the order is read (the job's item id), escaped as idempotency-keys.ts does */
const known = (v: string): string => v.replaceAll(':', '_');

const TENANT = field('tenantId');
const ORDER = field('orderId');

export const claimKeys = {
  customerAccountValidation: (): OrderText => ['crm-account-validation:', TENANT, ':', ORDER, ':', field('customerAccountId')],
  inventoryReservation: (orderItemId: string): OrderText => ['inventory-reservation:', TENANT, ':', ORDER, `:${known(orderItemId)}`],
  inventoryRelease: (orderItemId: string): OrderText => ['inventory-release:', TENANT, ':', ORDER, `:${known(orderItemId)}`],
  provisioning: (orderItemId: string, action: 'ACTIVATE' | 'DEACTIVATE'): OrderText => ['provisioning:', TENANT, ':', ORDER, `:${known(orderItemId)}:${action}`],
  billingActivation: (): OrderText => ['billing-activation:', TENANT, ':', ORDER, ':', field('subscription', 'subscriptionId'), ':v', field('subscription', 'chargeSnapshotVersion')],
  notification: (templateCode: string, recipientField: readonly string[], milestone: string): OrderText => [
    `notification:${known(templateCode)}:`,
    ORDER,
    ':',
    field(...recipientField),
    `:${known(milestone)}`,
  ],
} as const;

/** Business object ids the same way (not escaped: they are not key parts). */
export const claimSubjects = {
  order: (): OrderText => [{ field: ['orderId'] }],
  orderItem: (orderItemId: string): OrderText => [{ field: ['orderId'] }, `/${orderItemId}`],
  subscription: (): OrderText => [{ field: ['subscription', 'subscriptionId'] }],
} as const;
