// Where each demo order stands: its status in the database, and, while it is not finished, whether
// the engine holds it in an incident or a user task (a person's turn).
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { EngineSearch } from '../../src/platform/engine-search.ts';
import type { Expectation } from './scenarios.ts';

export interface Observed {
  readonly status: string;
  readonly processInstanceKey?: string | undefined;
  readonly incident?: { readonly elementId: string; readonly message: string } | undefined;
  readonly userTask?: { readonly elementId: string } | undefined;
  readonly openCases: number;
  /** cases the reconciler is still working on (open, or repaired but the job not resumed yet) */
  readonly reconciling: number;
}

const TERMINAL = new Set(['COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED']);

export async function observe(db: DatabasePool, search: EngineSearch, orderId: string): Promise<Observed> {
  const row = await db.one(sql.type(z.object({ order_status: z.string(), process_instance_key: z.string().nullable(), open_cases: z.number(), reconciling: z.number() }))`
    select o.order_status, l.process_instance_key,
      (select count(*)::int from reconciliation_case c where c.order_id = o.order_id and c.status in ('OPEN', 'MANUAL_REVIEW')) as open_cases,
      (select count(*)::int from reconciliation_case c where c.order_id = o.order_id and (c.status = 'OPEN' or (c.status = 'RESOLVED'
         and not exists (select 1 from reconciliation_case_event e where e.reconciliation_case_id = c.reconciliation_case_id and e.action = 'RESUMED')))) as reconciling
    from customer_order o left join order_orchestration_link l on l.order_id = o.order_id where o.order_id = ${orderId}`);
  const base = { status: row.order_status, processInstanceKey: row.process_instance_key ?? undefined, openCases: row.open_cases, reconciling: row.reconciling };
  if (TERMINAL.has(row.order_status) || !row.process_instance_key) return base;
  const [incidents, tasks] = await Promise.all([
    search.incidents({ processInstanceKey: row.process_instance_key, state: 'ACTIVE' }).catch(() => []),
    search.userTasks({ processInstanceKey: row.process_instance_key, state: 'CREATED' }).catch(() => []),
  ]);
  const incident = incidents[0];
  const task = tasks[0];
  return { ...base, incident: incident ? { elementId: incident.elementId, message: incident.errorMessage } : undefined, userTask: task ? { elementId: task.elementId } : undefined };
}

/** Finished, or waiting on a person (a user task, or an incident the reconciler is not working on). */
export const settled = (o: Observed): boolean => TERMINAL.has(o.status) || o.userTask !== undefined || (o.incident !== undefined && o.reconciling === 0);

export function describeOutcome(o: Observed): string {
  if (o.incident) return `incident at ${o.incident.elementId}${o.openCases ? ` (+${o.openCases} reconciliation case)` : ''}`;
  if (o.userTask) return `waiting for a person: ${o.userTask.elementId}`;
  return o.status;
}

export function describeExpectation(e: Expectation): string {
  if ('status' in e) return e.status;
  return e.waitsFor === 'user-task' ? `waiting for a person: ${e.elementId}` : `incident at ${e.elementId}${e.reconciliationCase ? ' (+case)' : ''}`;
}

export function meets(o: Observed, e: Expectation): boolean {
  if ('status' in e) return o.status === e.status;
  if (e.waitsFor === 'user-task') return o.userTask?.elementId === e.elementId;
  return o.incident?.elementId === e.elementId && (!e.reconciliationCase || o.openCases > 0);
}
