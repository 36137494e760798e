// Use case: the customer account must be valid in CRM before anything is reserved (seed 000 §11).
// The first job of an instance also links it to the order (the intake starts it by message) and
// moves the order ACCEPTED → IN_FULFILLMENT (FulfillmentStarted), within the step's two statements.
import { z } from 'zod';
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import type { CustomerAccountValidation } from '../ports/crm.ts';
import { runExternalStep } from './external-step.ts';
import { claimKeys, claimSubjects } from './claim-keys.ts';
import type { FarmServices } from '../services.ts';

const result = z.object({ accountStatus: z.literal('ACTIVE'), billingAccountId: z.string(), eligibilityFlags: z.array(z.string()) });

export async function validateCustomerAccount(s: FarmServices, job: JobRef, input: { orderId: string }): Promise<EngineAction> {
  const { action } = await runExternalStep<CustomerAccountValidation>(s, job, {
    orderId: input.orderId,
    task: { orderId: input.orderId, taskType: 'VALIDATE_CUSTOMER_ACCOUNT' },
    claim: { system: 'CRM', operation: 'VALIDATE_ACCOUNT', businessObjectType: 'ORDER', businessObjectId: claimSubjects.order(), idempotencyKey: claimKeys.customerAccountValidation() },
    startsFulfillment: true,
    capability: 'CRM_VALIDATE_ACCOUNT',
    build: ({ order }) => {
      const command = { tenantId: order.tenantId, customerAccountId: order.customerAccountId, marketSegment: order.marketSegment, correlationId: order.correlationId };
      return {
        call: {
          system: 'CRM',
          operation: 'VALIDATE_ACCOUNT',
          businessObject: { type: 'ORDER', id: order.orderId },
          idempotencyKey: idempotencyKeys.customerAccountValidation(order.tenantId, order.orderId, order.customerAccountId),
          request: command,
          resultSchema: result,
          send: () => s.portsFor(order.tenantId).crm.validateCustomerAccount(command),
        },
        policy: () => ({
          subject: `CRM validate-account ${order.customerAccountId} for order ${order.orderId}`,
          onSuccess: (v) => ({ accountStatus: v.accountStatus, billingAccountId: v.billingAccountId }),
          rejectionErrorCode: BPMN_ERRORS.customerAccountRejected,
        }),
        taskResult: (v) => ({ billingAccountId: v.billingAccountId }),
      };
    },
  });
  return action;
}
