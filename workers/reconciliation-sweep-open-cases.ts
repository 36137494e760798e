import { z } from 'zod';
import { complete } from '../src/core/ports/engine-action.ts';
import { casesWaitingForHandling, requestCaseHandling } from '../src/core/reconciliation/request-case-handling.ts';
import { sweepScopeOf } from '../src/core/reconciliation/sweep-scope.ts';
import { farmWorker } from './farm-worker.ts';

export default farmWorker({
  type: 'reconciliation.sweep-open-cases.v1',
  description: "Starts the reconciliation of its own deployment's open cases whose start did not get through",
  variables: z.object({}),
  output: z.object({ casesStarted: z.number() }),
  bpmnErrors: [],
  handle: async ({ services, job }) => {
    // the sweep's own process id tells which deployment's cases are its own
    const scope = sweepScopeOf(job.bpmnProcessId);
    if (scope.kind === 'unknown') {
      return { kind: 'fail', retries: 0, backoffMs: 0, message: `sweep job of process ${scope.sweepProcessId}: no fulfillment process is known for it, so no case is its own` };
    }
    let started = 0;
    for (const id of await casesWaitingForHandling(services.db, scope, undefined, services.clock)) {
      if (await requestCaseHandling(services.db, services.messages, id, services.config.RECONCILIATION_RECHECK_DELAY, services.clock)) started++;
    }
    return complete({ casesStarted: started });
  },
});
