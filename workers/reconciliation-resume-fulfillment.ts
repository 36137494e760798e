import { z } from 'zod';
import { RESUME_HOLD_MS, resumeAction, resumeCasesIn, resumeFulfillment } from '../src/core/reconciliation/resume-fulfillment.ts';
import { farmWorker } from './farm-worker.ts';
import { caseScope } from './variables.ts';

export default farmWorker({
  type: 'reconciliation.resume-fulfillment.v1',
  description: 'Resolves the incident of the fulfillment job a case stopped, so it runs again',
  variables: caseScope,
  output: z.object({ fulfillmentResumed: z.boolean() }),
  bpmnErrors: [],
  handle: async ({ services, job, variables, log }) => {
    // looks for the incident while holding the job, but never past the job's deadline
    const holdMs = Math.max(0, Math.min(RESUME_HOLD_MS, job.deadline - services.clock.now().getTime() - 5_000));
    const outcome = await resumeFulfillment({ cases: resumeCasesIn(services.db), engine: services.engine, clock: services.clock }, variables.caseId, { holdMs });
    if (outcome.kind === 'nothing-to-resume') log.info({ why: outcome.why }, 'nothing to resume');
    return resumeAction(outcome, job);
  },
});
