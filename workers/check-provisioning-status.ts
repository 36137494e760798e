import { z } from 'zod';
import { checkProvisioningStatus } from '../src/core/use-cases/check-provisioning-status.ts';
import { PROVISIONING_STATUSES } from '../src/core/ports/provisioning.ts';
import { farmWorker } from './farm-worker.ts';
import { orderItemScope } from './variables.ts';

export default farmWorker({
  type: 'provisioning.check-status.v1',
  description: 'SLA poll: asks provisioning for the status of an activation and delivers a final one',
  variables: orderItemScope,
  output: z.object({ provisioningPollStatus: z.union([z.enum(PROVISIONING_STATUSES), z.literal('NOT_SUBMITTED')]) }),
  bpmnErrors: [],
  handle: ({ services, job, variables }) => checkProvisioningStatus(services, job, variables),
});
