// Use case: tell the customer the order is fulfilled. The provider has no idempotency support, so
// the ledger's key (template, order, recipient, milestone) is what keeps it to one message.
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { NotificationSent } from '../ports/notification.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import type { FarmServices } from '../services.ts';
import { ORDER_CONFIRMATION, notifyCustomerRecord as record } from './step-records.ts';

export async function notifyCustomer(s: FarmServices, job: JobRef, input: { orderId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<NotificationSent>(s, job, {
    orderId: input.orderId,
    task: { orderId: input.orderId, taskType: 'NOTIFY_CUSTOMER' },
    claim: {
      system: 'NOTIFICATION',
      operation: 'SEND_ORDER_CONFIRMATION',
      businessObjectType: 'ORDER',
      businessObjectId: claimSubjects.order(),
      idempotencyKey: claimKeys.notification(ORDER_CONFIRMATION.templateCode, ['contact', 'recipientId'], ORDER_CONFIRMATION.milestone),
    },
    capability: 'NOTIFICATION_SEND_EMAIL',
    // the tenant sends no confirmations through us: the order completes without one
    skipped: (reason) => ({ notificationId: null, notificationSkipped: reason }),
    build: ({ order }) => {
      const command = {
        templateCode: ORDER_CONFIRMATION.templateCode,
        recipientId: order.contact.recipientId,
        email: order.contact.email,
        // curated template data (seed 000 §16.2), never the order aggregate
        data: { orderNumber: order.orderId, customerDisplayName: order.contact.displayName, serviceCount: String(order.items.length) },
        idempotencyKey: idempotencyKeys.notification(ORDER_CONFIRMATION.templateCode, order.orderId, order.contact.recipientId, ORDER_CONFIRMATION.milestone),
        correlationId: order.correlationId,
      };
      return {
        call: {
          system: 'NOTIFICATION',
          operation: 'SEND_ORDER_CONFIRMATION',
          businessObject: { type: 'ORDER', id: order.orderId },
          idempotencyKey: command.idempotencyKey,
          request: command,
          resultSchema: record.resultSchema,
          send: () => s.portsFor(order.tenantId).notification.send(command),
        },
        policy: () => ({ subject: `NOTIFICATION order confirmation to ${order.contact.recipientId} for order ${order.orderId}`, onSuccess: (v) => ({ notificationId: v.messageId }) }),
        taskResult: record.taskResult,
        announce: (v) => record.announce(v),
      };
    },
  });
  return action;
}
