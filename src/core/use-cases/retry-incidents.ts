// An operator's "Retry" for an order held in incidents, as Operate's retry button does it: each job
// incident of the order's instance gets its task's retries back and is resolved, so the job runs
// again (after an outage, say). Refused while a reconciliation case of the order is open: those
// incidents belong to the reconciler, and a retry by hand could repeat a side effect.
import type { CommonQueryMethods } from 'slonik';
import { findOrder } from '../../repositories/customer-order.ts';
import { processInstanceKeyOf } from '../../repositories/order-orchestration-link.ts';
import { undecidedCasesOfOrder } from '../../repositories/reconciliation-case.ts';
import type { EnginePort, JobResumption } from '../ports/engine.ts';
import type { EngineSearch } from '../../platform/engine-search.ts';

export type RetryIncidentsResult =
  | { readonly kind: 'retried'; readonly jobs: readonly { readonly elementId: string; readonly jobKey: string; readonly result: JobResumption }[] }
  | { readonly kind: 'refused'; readonly reason: string };

export async function retryOrderIncidents(db: CommonQueryMethods, engine: Pick<EnginePort, 'resumeFailedJob'>, search: Pick<EngineSearch, 'incidents'>, orderId: string): Promise<RetryIncidentsResult> {
  // an operator's command, not the hot path: three small reads say more than one joined one
  if (!(await findOrder(db, orderId))) return { kind: 'refused', reason: `order ${orderId} is not known` };
  const pik = await processInstanceKeyOf(db, orderId);
  if (!pik) return { kind: 'refused', reason: `order ${orderId} has no process instance` };
  const openCases = await undecidedCasesOfOrder(db, orderId);
  if (openCases.length) {
    return { kind: 'refused', reason: `order ${orderId} has open reconciliation case(s) ${openCases.join(', ')}: decide them (npm run ops -- case <caseId>) instead of retrying by hand` };
  }
  const incidents = (await search.incidents({ processInstanceKey: pik, state: 'ACTIVE' })).filter((i) => i.jobKey !== undefined);
  if (!incidents.length) return { kind: 'refused', reason: `order ${orderId} (instance ${pik}) has no job incident open (the search side may trail the engine by a few seconds)` };
  const jobs = [];
  for (const i of incidents) {
    const jobKey = i.jobKey as string;
    jobs.push({ elementId: i.elementId, jobKey, result: await engine.resumeFailedJob(pik, jobKey) });
  }
  return { kind: 'retried', jobs };
}
