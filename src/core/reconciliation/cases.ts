// Reconciliation cases (seed 000 §23.1) and their history: opened when an outcome is ambiguous or
// the external system holds a conflicting request; the reconciler or an operator decides them, and
// every observation and decision is kept as an event naming who or what acted. The rows are the
// repositories' (src/repositories/reconciliation-case*.ts); what opening or ending a case means —
// its metrics and its lifecycle event — is decided here.
import { randomUUID } from 'node:crypto';
import type { CommonQueryMethods } from 'slonik';
import { emit } from '../../events/emit.ts';
import { metrics } from '../../platform/metrics.ts';
import { correlationIdOf } from '../../repositories/customer-order.ts';
import { findCase, insertCase, openCaseOfAttempt, updateCaseStatus, type CaseRow, type NewCase } from '../../repositories/reconciliation-case.ts';
import { insertCaseEvent, type CaseEvent } from '../../repositories/reconciliation-case-event.ts';
import type { CaseStatus } from '../domain/case-vocabulary.ts';

export { CASE_EVENT_ACTIONS, CASE_SEVERITIES, CASE_STATUSES, MISMATCH_TYPES, type CaseEventAction, type CaseSeverity, type CaseStatus, type MismatchType } from '../domain/case-vocabulary.ts';
export { caseRow, listCases, type CaseRow, type NewCase } from '../../repositories/reconciliation-case.ts';
export { caseEventRow, caseHistory, type CaseEventRow } from '../../repositories/reconciliation-case-event.ts';

/** The reconciler's own name in case histories (operators are named by themselves). */
export const RECONCILER = 'reconciler';

/** Opens a case for the attempt, or returns the one already open for it (one open case per attempt). */
export async function openCase(db: CommonQueryMethods, c: NewCase): Promise<string> {
  const existing = await openCaseOfAttempt(db, c.externalCallId);
  if (existing) return existing;
  const id = randomUUID();
  await insertCase(db, id, c);
  await appendCaseEvent(db, id, { action: 'OPENED', actor: RECONCILER, observedState: c.observedState, note: `${c.mismatchType} on ${c.system} ${c.businessObjectType} ${c.businessObjectId}` });
  // counted inside the caller's transaction: a rolled-back opening is still counted (rare, and on the safe side)
  metrics.reconciliationCase.inc({ system: c.system, mismatch_type: c.mismatchType, severity: c.severity, status: 'OPEN' });
  if (c.orderId) {
    await emit(db, 'ReconciliationCaseOpened', { orderId: c.orderId, correlationId: await correlationOf(db, c.orderId), causationId: `case:${id}`, payload: { caseId: id, systemCode: c.system, mismatchType: c.mismatchType, severity: c.severity } });
  }
  return id;
}

export const appendCaseEvent = (db: CommonQueryMethods, caseId: string, e: CaseEvent): Promise<void> => insertCaseEvent(db, caseId, e);

export class CaseNotFound extends Error {
  override readonly name = 'CaseNotFound';
}

export async function loadCase(db: CommonQueryMethods, caseId: string, forUpdate = false): Promise<CaseRow> {
  const row = await findCase(db, caseId, forUpdate);
  if (!row) throw new CaseNotFound(`reconciliation case ${caseId} does not exist`);
  return row;
}

const correlationOf = async (db: CommonQueryMethods, orderId: string): Promise<string> => (await correlationIdOf(db, orderId)) ?? orderId;

/** Moves the case to a status (announcing it when the case ends); resolution and decider are kept for the record. */
export async function setCaseStatus(db: CommonQueryMethods, caseId: string, status: CaseStatus, details: { resolution?: string; decidedBy?: string; observedState?: unknown } = {}): Promise<void> {
  const ended = await updateCaseStatus(db, caseId, status, details);
  metrics.reconciliationCase.inc({ system: ended.system_code, mismatch_type: ended.mismatch_type, severity: ended.severity, status });
  if (status !== 'RESOLVED' && status !== 'CLOSED') return;
  if (ended.order_id) {
    await emit(db, 'ReconciliationCaseResolved', {
      orderId: ended.order_id,
      correlationId: await correlationOf(db, ended.order_id),
      causationId: `case:${caseId}`,
      payload: { caseId, resolution: ended.resolution ?? status, ...(ended.decided_by ? { decidedBy: ended.decided_by } : {}) },
    });
  }
}
