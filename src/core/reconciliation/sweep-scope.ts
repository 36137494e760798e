// Which waiting cases a sweep may start handling: those of its own deployment. Tests and benches
// deploy copies of the models whose process ids carry a suffix (`<process id>-<suffix>`) beside
// each other on one database; a sweep that took every waiting case would resume another copy's
// orders through its own reconciliation process. A case records the process id of the job that
// opened it (reconciliation_case.bpmn_process_id), so the sweep of `reconciliation-sweep-<suffix>`
// takes the cases of `order-fulfillment-<suffix>` only.
import { PROCESS_ID, RECONCILIATION_SWEEP_PROCESS_ID } from '../domain/bpmn-errors.ts';

export type SweepScope =
  /** the unsuffixed models: their own cases, and those opened before cases recorded a process id */
  | { readonly kind: 'production'; readonly fulfillmentProcessId: string }
  /** a suffixed copy: only the cases its own fulfillment copy opened */
  | { readonly kind: 'copy'; readonly fulfillmentProcessId: string }
  /** a sweep job from a process this farm does not know: it must not guess */
  | { readonly kind: 'unknown'; readonly sweepProcessId: string };

export function sweepScopeOf(sweepProcessId: string): SweepScope {
  if (sweepProcessId === RECONCILIATION_SWEEP_PROCESS_ID) return { kind: 'production', fulfillmentProcessId: PROCESS_ID };
  const prefix = `${RECONCILIATION_SWEEP_PROCESS_ID}-`;
  if (sweepProcessId.startsWith(prefix) && sweepProcessId.length > prefix.length) {
    return { kind: 'copy', fulfillmentProcessId: `${PROCESS_ID}-${sweepProcessId.slice(prefix.length)}` };
  }
  return { kind: 'unknown', sweepProcessId };
}
