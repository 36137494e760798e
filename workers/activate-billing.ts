import { z } from 'zod';
import { activateBilling } from '../src/core/use-cases/activate-billing.ts';
import { BPMN_ERRORS } from '../src/core/domain/bpmn-errors.ts';
import { farmWorker } from './farm-worker.ts';
import { orderScope } from './variables.ts';

export default farmWorker({
  type: 'billing.activate-subscription.v1',
  description: 'Activates billing of the subscription once every service is active',
  variables: orderScope,
  output: z.object({ billingReference: z.string() }),
  bpmnErrors: [BPMN_ERRORS.billingRejected, BPMN_ERRORS.externalConflict],
  handle: ({ services, job, variables }) => activateBilling(services, job, variables),
});
