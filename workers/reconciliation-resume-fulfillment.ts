import { z } from 'zod';
import { complete } from '../src/integration/engine-action.ts';
import { resumeFulfillment } from '../src/reconciliation/resume-fulfillment.ts';
import { farmWorker } from './farm-worker.ts';
import { caseScope } from './variables.ts';

export default farmWorker({
  type: 'reconciliation.resume-fulfillment.v1',
  description: 'Resolves the incident of the fulfillment job a case stopped, so it runs again',
  variables: caseScope,
  output: z.object({ fulfillmentResumed: z.boolean() }),
  bpmnErrors: [],
  handle: async ({ services, variables }) => complete({ fulfillmentResumed: (await resumeFulfillment(services, variables.caseId)) === 'resumed' }),
});
