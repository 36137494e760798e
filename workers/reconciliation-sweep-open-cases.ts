import { z } from 'zod';
import { complete } from '../src/integration/engine-action.ts';
import { casesWaitingForHandling, requestCaseHandling } from '../src/reconciliation/request-case-handling.ts';
import { farmWorker } from './farm-worker.ts';

export default farmWorker({
  type: 'reconciliation.sweep-open-cases.v1',
  description: 'Starts the reconciliation of open cases whose start did not get through',
  variables: z.object({}),
  output: z.object({ casesStarted: z.number() }),
  bpmnErrors: [],
  handle: async ({ services }) => {
    let started = 0;
    for (const id of await casesWaitingForHandling(services.db)) {
      if (await requestCaseHandling(services.db, services.messages, id, services.config.RECONCILIATION_RECHECK_DELAY)) started++;
    }
    return complete({ casesStarted: started });
  },
});
