// BPMN error codes the fulfillment model catches (see bpmn/README.md); business outcomes, not
// technical failures.
export const BPMN_ERRORS = {
  customerAccountRejected: 'CUSTOMER_ACCOUNT_REJECTED',
  inventoryUnavailable: 'INVENTORY_UNAVAILABLE',
  provisioningRejected: 'PROVISIONING_REJECTED',
  billingRejected: 'BILLING_REJECTED',
  externalConflict: 'EXTERNAL_CONFLICT',
} as const;
export type BpmnErrorCode = (typeof BPMN_ERRORS)[keyof typeof BPMN_ERRORS];

/** Messages the fulfillment model waits for or starts on. */
export const MESSAGES = {
  orderAccepted: 'OrderAccepted',
  provisioningCompleted: 'ProvisioningCompleted',
  orderCancellationRequested: 'OrderCancellationRequested',
  reconciliationCaseOpened: 'ReconciliationCaseOpened',
} as const;

export const PROCESS_ID = 'order-fulfillment';

export const RECONCILIATION_PROCESS_ID = 'reconciliation-case';
/** The timer-started process that picks up cases whose reconciliation did not start (bpmn/reconciliation.bpmn). */
export const RECONCILIATION_SWEEP_PROCESS_ID = 'reconciliation-sweep';
/** Where a person decides a case the reconciler could not (bpmn/reconciliation.bpmn). */
export const RECONCILIATION_DECISION_TASK = 'UserTask_DecideReconciliation';
