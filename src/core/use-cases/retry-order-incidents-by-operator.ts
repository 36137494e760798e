// Use case: the console's Retry button on an order: what `npm run ops -- retry --order` does
// (retry-incidents.ts), with each refusal told apart so the answer can say why — an unknown order,
// an undecided reconciliation case (its incident is the reconciler's: a retry by hand could repeat
// a side effect), or nothing to retry.
import type { CommonQueryMethods } from 'slonik';
import { findOrderSummary } from '../../repositories/customer-order.ts';
import { undecidedCasesOfOrder } from '../../repositories/reconciliation-case.ts';
import type { EngineSearch } from '../../platform/engine-search.ts';
import type { EnginePort, JobResumption } from '../ports/engine.ts';
import { retryOrderIncidents } from './retry-incidents.ts';

export type OperatorRetryResult =
  | { readonly kind: 'retried'; readonly jobs: readonly { readonly elementId: string; readonly jobKey: string; readonly result: JobResumption }[] }
  | { readonly kind: 'order-not-found' }
  | { readonly kind: 'case-open'; readonly caseIds: readonly string[]; readonly reason: string }
  | { readonly kind: 'nothing-to-retry'; readonly reason: string };

export async function retryOrderIncidentsByOperator(
  db: CommonQueryMethods,
  engine: Pick<EnginePort, 'resumeFailedJob'>,
  search: Pick<EngineSearch, 'incidents'>,
  orderId: string,
): Promise<OperatorRetryResult> {
  if (!(await findOrderSummary(db, orderId))) return { kind: 'order-not-found' };
  const caseIds = await undecidedCasesOfOrder(db, orderId);
  if (caseIds.length) {
    return { kind: 'case-open', caseIds, reason: `order ${orderId} has undecided reconciliation case(s) ${caseIds.join(', ')}: the reconciler (or an operator's decision on the case) resumes the order; a retry by hand could repeat the external side effect` };
  }
  // the same command the ops CLI runs; it checks the cases again, so one opened meanwhile still refuses
  const r = await retryOrderIncidents(db, engine, search, orderId);
  if (r.kind === 'retried') return r;
  const raced = await undecidedCasesOfOrder(db, orderId);
  if (raced.length) return { kind: 'case-open', caseIds: raced, reason: r.reason };
  return { kind: 'nothing-to-retry', reason: r.reason };
}
