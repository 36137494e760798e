// Use case: the customer account must be valid in CRM before anything is reserved (seed 000 §11).
import { z } from 'zod';
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { idempotencyKeys } from '../domain/idempotency-keys.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import type { JobRef } from '../ports/job.ts';
import { runExternalStep } from './external-step.ts';
import { linkProcessInstance, loadOrder, markFulfillmentStarted } from './order-repository.ts';
import type { FarmServices } from '../services.ts';

const result = z.object({ accountStatus: z.literal('ACTIVE'), billingAccountId: z.string(), eligibilityFlags: z.array(z.string()) });

export async function validateCustomerAccount(s: FarmServices, job: JobRef, input: { orderId: string }): Promise<EngineAction> {
  const { snapshot: order } = await loadOrder(s.db, input.orderId);
  // The first job of an instance links it to the order (the intake starts it by message).
  await s.db.transaction(async (tx) => {
    await linkProcessInstance(tx, order.orderId, job.processInstanceKey, job.elementId);
    await markFulfillmentStarted(tx, order, `job:${job.key}`);
  });
  const command = { tenantId: order.tenantId, customerAccountId: order.customerAccountId, marketSegment: order.marketSegment, correlationId: order.correlationId };
  const { action } = await runExternalStep(s, job, {
    order,
    task: { orderId: order.orderId, taskType: 'VALIDATE_CUSTOMER_ACCOUNT' },
    capability: 'CRM_VALIDATE_ACCOUNT',
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
  });
  return action;
}
