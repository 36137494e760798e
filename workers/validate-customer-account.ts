import { z } from 'zod';
import { validateCustomerAccount } from '../src/core/use-cases/validate-customer-account.ts';
import { BPMN_ERRORS } from '../src/core/domain/bpmn-errors.ts';
import { farmWorker } from './farm-worker.ts';
import { orderScope } from './variables.ts';

export default farmWorker({
  type: 'crm.validate-customer-account.v1',
  description: 'Checks in CRM that the ordering customer account is active',
  variables: orderScope,
  output: z.object({ accountStatus: z.literal('ACTIVE'), billingAccountId: z.string() }),
  bpmnErrors: [BPMN_ERRORS.customerAccountRejected],
  handle: ({ services, job, variables }) => validateCustomerAccount(services, job, variables),
});
