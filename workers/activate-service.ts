import { z } from 'zod';
import { activateService } from '../src/core/use-cases/activate-service.ts';
import { BPMN_ERRORS } from '../src/core/domain/bpmn-errors.ts';
import { farmWorker } from './farm-worker.ts';
import { orderItemScope } from './variables.ts';

export default farmWorker({
  type: 'provisioning.activate-service.v1',
  description: 'Submits the service activation of one order item to provisioning (result arrives later)',
  variables: orderItemScope,
  output: z.object({ provisioningTaskId: z.string(), providerRequestId: z.string() }),
  bpmnErrors: [BPMN_ERRORS.provisioningRejected, BPMN_ERRORS.externalConflict],
  handle: ({ services, job, variables }) => activateService(services, job, variables),
});
