// Use case: start billing the subscription from its billing-ready charge snapshot, only after every
// item's service is active (seed 000 §14.1; the model guarantees the order of steps).
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { BillingActivation } from '../ports/billing.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import type { FarmServices } from '../services.ts';
import { activateBillingRecord as record } from './step-records.ts';

export async function activateBilling(s: FarmServices, job: JobRef, input: { orderId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<BillingActivation>(s, job, {
    orderId: input.orderId,
    task: { orderId: input.orderId, taskType: 'ACTIVATE_BILLING' },
    claim: { system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION', businessObjectType: 'SUBSCRIPTION', businessObjectId: claimSubjects.subscription(), idempotencyKey: claimKeys.billingActivation() },
    capability: 'BILLING_ACTIVATE_SUBSCRIPTION',
    build: ({ order }) => {
      const sub = order.subscription;
      const command = {
        tenantId: order.tenantId,
        orderId: order.orderId,
        subscriptionId: sub.subscriptionId,
        billingAccountId: sub.billingAccountId,
        activationDate: sub.activationDate,
        chargeSnapshotVersion: sub.chargeSnapshotVersion,
        charges: sub.charges,
        idempotencyKey: idempotencyKeys.billingActivation(order.tenantId, order.orderId, sub.subscriptionId, sub.chargeSnapshotVersion),
        correlationId: order.correlationId,
      };
      return {
        call: {
          system: 'BILLING',
          operation: 'ACTIVATE_SUBSCRIPTION',
          businessObject: { type: 'SUBSCRIPTION', id: sub.subscriptionId },
          idempotencyKey: command.idempotencyKey,
          request: command,
          resultSchema: record.resultSchema,
          send: () => s.portsFor(order.tenantId).billing.activate(command),
        },
        policy: () => ({
          subject: `BILLING activate-subscription ${sub.subscriptionId} for order ${order.orderId}`,
          onSuccess: (v) => ({ billingReference: v.externalBillingId }),
          rejectionErrorCode: BPMN_ERRORS.billingRejected,
          conflictErrorCode: BPMN_ERRORS.externalConflict,
        }),
        taskResult: record.taskResult,
        announce: (v) => record.announce(v, { businessObjectId: sub.subscriptionId }),
      };
    },
  });
  return action;
}
