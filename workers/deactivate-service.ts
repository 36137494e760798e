import { z } from 'zod';
import { deactivateService } from '../src/core/use-cases/deactivate-service.ts';
import { farmWorker } from './farm-worker.ts';
import { orderItemScope } from './variables.ts';

export default farmWorker({
  type: 'provisioning.deactivate-service.v1',
  description: 'Compensation: asks provisioning to deactivate the service of one order item',
  variables: orderItemScope,
  output: z.object({ deactivationRequested: z.boolean() }),
  bpmnErrors: [],
  handle: ({ services, job, variables }) => deactivateService(services, job, variables),
});
