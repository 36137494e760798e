// A fulfillment task is one unit of external work for an order (or one of its items): the row the
// application services update as the engine moves through the model.
export const FULFILLMENT_TASK_TYPES = [
  'VALIDATE_CUSTOMER_ACCOUNT',
  'RESERVE_INVENTORY',
  'RELEASE_INVENTORY',
  'ACTIVATE_SERVICE',
  'DEACTIVATE_SERVICE',
  'ACTIVATE_BILLING',
  'NOTIFY_CUSTOMER',
] as const;
export type FulfillmentTaskType = (typeof FULFILLMENT_TASK_TYPES)[number];

export const FULFILLMENT_TASK_STATUSES = [
  'IN_PROGRESS',
  /** accepted by the external system, result arrives later (callback, event, status poll) */
  'WAITING_EXTERNAL',
  'SUCCEEDED',
  'REJECTED',
  'FAILED',
  /** outcome unknown: a reconciliation case decides */
  'AMBIGUOUS',
  'COMPENSATED',
  /** not called: the tenant's capability for it is disabled and its path is a skip (src/core/use-cases/capability-gate.ts) */
  'SKIPPED',
] as const;
export type FulfillmentTaskStatus = (typeof FULFILLMENT_TASK_STATUSES)[number];
