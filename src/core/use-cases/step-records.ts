// What a success of each external step with a side effect leaves besides its attempt: the
// fulfillment task it belongs to, what of the answer the task keeps, and the lifecycle event it
// announces. Written once, so that a normal answer (runExternalStep) and a reconciliation repair of
// the same call (src/core/reconciliation/record-repair.ts) leave the same trace.
import { z } from 'zod';
import type { InventoryReservation } from '../ports/inventory.ts';
import { PROVISIONING_STATUSES } from '../ports/provisioning.ts';
import type { FulfillmentTaskType } from '../domain/fulfillment-task.ts';
import type { Announcement } from './external-step.ts';

export const ORDER_CONFIRMATION = { templateCode: 'ORDER_CONFIRMATION', milestone: 'fulfilled_v1' } as const;

/** Whose call it was: the order item (item-scoped steps) and the business object of the attempt. */
export interface StepSubject {
  readonly orderItemId?: string | undefined;
  readonly businessObjectId: string;
}

export interface StepRecord<T> {
  readonly taskType: FulfillmentTaskType;
  /** one task per order item (the attempt's business object is `orderId/orderItemId`) */
  readonly perItem: boolean;
  /** the answer as the ledger stores and replays it */
  readonly resultSchema: z.ZodType<T>;
  /** what of the answer the task keeps (non-secret, small) */
  taskResult?(value: T): unknown;
  /** the lifecycle event a success announces */
  announce?(value: T, subject: StepSubject): Announcement;
}

const item = (s: StepSubject) => s.orderItemId ?? '';

const reservation = z.object({ reservationId: z.string(), resources: z.array(z.object({ resourceId: z.string(), value: z.string() })), expiresAt: z.string().optional() });

export const reserveInventoryRecord = {
  taskType: 'RESERVE_INVENTORY',
  perItem: true,
  resultSchema: reservation,
  taskResult: (v) => ({ reservationId: v.reservationId }),
  announce: (v, s) => ({ type: 'InventoryReserved', payload: { orderItemId: item(s), reservationId: v.reservationId } }),
} satisfies StepRecord<InventoryReservation>;

const release = z.object({ reservationId: z.string(), released: z.literal(true) });

export const releaseInventoryRecord = {
  taskType: 'RELEASE_INVENTORY',
  perItem: true,
  resultSchema: release,
  announce: (v, s) => ({ type: 'InventoryReleased', payload: { orderItemId: item(s), reservationId: v.reservationId } }),
} satisfies StepRecord<z.infer<typeof release>>;

const provisioningAccepted = z.object({ providerRequestId: z.string(), status: z.enum(PROVISIONING_STATUSES) });

/** Activation and deactivation alike: accepted now, the task keeps the provider's request id. */
const provisioningRecord = <K extends 'ACTIVATE_SERVICE' | 'DEACTIVATE_SERVICE'>(taskType: K) =>
  ({
    taskType,
    perItem: true,
    resultSchema: provisioningAccepted,
    taskResult: (v) => ({ providerRequestId: v.providerRequestId }),
  }) satisfies StepRecord<z.infer<typeof provisioningAccepted>>;

export const activateServiceRecord = provisioningRecord('ACTIVATE_SERVICE');
export const deactivateServiceRecord = provisioningRecord('DEACTIVATE_SERVICE');

const activation = z.object({ externalBillingId: z.string(), activatedAt: z.string() });

export const activateBillingRecord = {
  taskType: 'ACTIVATE_BILLING',
  perItem: false,
  resultSchema: activation,
  taskResult: (v) => ({ externalBillingId: v.externalBillingId, activatedAt: v.activatedAt }),
  // the billing call's business object is the subscription
  announce: (v, s) => ({ type: 'BillingActivated', payload: { subscriptionId: s.businessObjectId, billingReference: v.externalBillingId } }),
} satisfies StepRecord<z.infer<typeof activation>>;

const sent = z.object({ messageId: z.string() });

export const notifyCustomerRecord = {
  taskType: 'NOTIFY_CUSTOMER',
  perItem: false,
  resultSchema: sent,
  taskResult: (v) => ({ messageId: v.messageId }),
  announce: (v) => ({ type: 'CustomerNotified', payload: { notificationId: v.messageId, templateCode: ORDER_CONFIRMATION.templateCode } }),
} satisfies StepRecord<z.infer<typeof sent>>;

const bySystemOperation: Readonly<Record<string, StepRecord<unknown>>> = {
  'INVENTORY/RESERVE_RESOURCE': reserveInventoryRecord,
  'INVENTORY/RELEASE_RESOURCE': releaseInventoryRecord,
  'PROVISIONING/ACTIVATE_SERVICE': activateServiceRecord,
  'PROVISIONING/DEACTIVATE_SERVICE': deactivateServiceRecord,
  'BILLING/ACTIVATE_SUBSCRIPTION': activateBillingRecord,
  'NOTIFICATION/SEND_ORDER_CONFIRMATION': notifyCustomerRecord,
};

/** The record of a system's operation; undefined for reads and operations of no fulfillment task. */
export function stepRecordOf(system: string, operation: string): StepRecord<unknown> | undefined {
  return bySystemOperation[`${system}/${operation}`];
}
