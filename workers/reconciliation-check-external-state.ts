import { z } from 'zod';
import { complete } from '../src/core/ports/engine-action.ts';
import { checkCase } from '../src/core/reconciliation/reconcile-case.ts';
import { farmWorker } from './farm-worker.ts';
import { caseScope } from './variables.ts';

export default farmWorker({
  type: 'reconciliation.check-external-state.v1',
  description: 'Asks the external system what it did with an ambiguous attempt; repairs or marks safe to retry where the policy allows',
  variables: caseScope,
  output: z.object({
    reconciliationOutcome: z.enum(['REPAIRED', 'SAFE_TO_RETRY', 'UNKNOWN', 'MANUAL_REVIEW']),
    reconciliationChecks: z.number(),
    expectedSummary: z.string(),
    observedSummary: z.string(),
  }),
  bpmnErrors: [],
  handle: async ({ services, job, variables }) => complete({ ...(await checkCase(services, variables.caseId, job.processInstanceKey)) }),
});
