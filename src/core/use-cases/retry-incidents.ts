// An operator's "Retry" for an order held in incidents, as Operate's retry button does it: each job
// incident of the order's instance gets its task's retries back and is resolved, so the job runs
// again (after an outage, say). Refused while a reconciliation case of the order is open: those
// incidents belong to the reconciler, and a retry by hand could repeat a side effect.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { EnginePort, JobResumption } from '../ports/engine.ts';
import type { EngineSearch } from '../../platform/engine-search.ts';

export type RetryIncidentsResult =
  | { readonly kind: 'retried'; readonly jobs: readonly { readonly elementId: string; readonly jobKey: string; readonly result: JobResumption }[] }
  | { readonly kind: 'refused'; readonly reason: string };

export async function retryOrderIncidents(db: CommonQueryMethods, engine: Pick<EnginePort, 'resumeFailedJob'>, search: Pick<EngineSearch, 'incidents'>, orderId: string): Promise<RetryIncidentsResult> {
  const row = await db.maybeOne(sql.type(z.object({ process_instance_key: z.string().nullable(), open_cases: z.array(z.string()) }))`
    select l.process_instance_key,
      array(select c.reconciliation_case_id from reconciliation_case c where c.order_id = o.order_id and c.status in ('OPEN', 'MANUAL_REVIEW') order by c.detected_at) as open_cases
    from customer_order o left join order_orchestration_link l on l.order_id = o.order_id where o.order_id = ${orderId}`);
  if (!row) return { kind: 'refused', reason: `order ${orderId} is not known` };
  if (!row.process_instance_key) return { kind: 'refused', reason: `order ${orderId} has no process instance` };
  if (row.open_cases.length) {
    return { kind: 'refused', reason: `order ${orderId} has open reconciliation case(s) ${row.open_cases.join(', ')}: decide them (npm run ops -- case <caseId>) instead of retrying by hand` };
  }
  const pik = row.process_instance_key;
  const incidents = (await search.incidents({ processInstanceKey: pik, state: 'ACTIVE' })).filter((i) => i.jobKey !== undefined);
  if (!incidents.length) return { kind: 'refused', reason: `order ${orderId} (instance ${pik}) has no job incident open (the search side may trail the engine by a few seconds)` };
  const jobs = [];
  for (const i of incidents) {
    const jobKey = i.jobKey as string;
    jobs.push({ elementId: i.elementId, jobKey, result: await engine.resumeFailedJob(pik, jobKey) });
  }
  return { kind: 'retried', jobs };
}
