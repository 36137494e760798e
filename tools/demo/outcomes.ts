// Where each demo order stands: its status in the database, and, while it is not finished, whether
// the engine holds it in an incident or a user task (a person's turn).
import type { DatabasePool } from 'slonik';
import type { EngineSearch } from '../../src/platform/engine-search.ts';
import { findOrder } from '../../src/repositories/customer-order.ts';
import { processInstanceKeyOf } from '../../src/repositories/order-orchestration-link.ts';
import { caseCountsOfOrders } from '../../src/repositories/reconciliation-case.ts';
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
  const [order, processInstanceKey, cases] = await Promise.all([findOrder(db, orderId), processInstanceKeyOf(db, orderId), caseCountsOfOrders(db, [orderId])]);
  if (!order) throw new Error(`demo order ${orderId} is not in the database`);
  const base = { status: order.order_status, processInstanceKey: processInstanceKey ?? undefined, openCases: cases.undecided, reconciling: cases.reconciling };
  if (TERMINAL.has(order.order_status) || !processInstanceKey) return base;
  const [incidents, tasks] = await Promise.all([
    search.incidents({ processInstanceKey, state: 'ACTIVE' }).catch(() => []),
    search.userTasks({ processInstanceKey, state: 'CREATED' }).catch(() => []),
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
