// After a case is repaired or marked safe to retry, the fulfillment job that stopped on it runs
// again: its retries come back and its incident is resolved through the engine. The job then
// replays the repaired attempt, or sends again under the same key.
import type { FarmServices } from '../application/services.ts';
import { RECONCILER, appendCaseEvent, loadCase } from './case-repository.ts';

export class IncidentNotVisibleYet extends Error {
  override readonly name = 'IncidentNotVisibleYet';
}

export async function resumeFulfillment(s: FarmServices, caseId: string, opts: { waitMs?: number } = {}): Promise<'resumed' | 'nothing-to-resume'> {
  const c = await loadCase(s.db, caseId);
  if (!c.job_key || !c.process_instance_key) return 'nothing-to-resume';
  // The incident reaches the search side a moment after the job failed.
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  for (;;) {
    const result = await s.engine.resumeFailedJob(c.process_instance_key, c.job_key);
    if (result === 'instance-ended') return 'nothing-to-resume';
    if (result === 'resumed') {
      await appendCaseEvent(s.db, caseId, { action: 'RESUMED', actor: RECONCILER, note: `incident of job ${c.job_key} resolved; the job runs again` });
      return 'resumed';
    }
    if (Date.now() > deadline) throw new IncidentNotVisibleYet(`no open incident of job ${c.job_key} in instance ${c.process_instance_key} is visible yet`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
