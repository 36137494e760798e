// Reconciliation cases (seed 000 §23.1) and their history: opened when an outcome is ambiguous or
// the external system holds a conflicting request; the reconciler or an operator decides them, and
// every observation and decision is kept as an event naming who or what acted.
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { emit } from '../../events/emit.ts';
import type { ExternalSystem } from '../ports/external-result.ts';
import { metrics } from '../../platform/metrics.ts';

export { CASE_EVENT_ACTIONS, CASE_SEVERITIES, CASE_STATUSES, MISMATCH_TYPES, type CaseEventAction, type CaseSeverity, type CaseStatus, type MismatchType } from '../domain/case-vocabulary.ts';
import { CASE_EVENT_ACTIONS, CASE_SEVERITIES, CASE_STATUSES, MISMATCH_TYPES, type CaseEventAction, type CaseSeverity, type CaseStatus, type MismatchType } from '../domain/case-vocabulary.ts';

/** The reconciler's own name in case histories (operators are named by themselves). */
export const RECONCILER = 'reconciler';

export interface NewCase {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  readonly businessObjectType: string;
  readonly businessObjectId: string;
  readonly mismatchType: MismatchType;
  readonly expectedState: unknown;
  readonly observedState: unknown;
  readonly severity: CaseSeverity;
  readonly externalCallId: string;
  readonly orderId?: string | undefined;
  readonly jobKey?: string | undefined;
  readonly processInstanceKey?: string | undefined;
  /** the process of the job that opened the case: whose deployment's sweep may pick it up (sweep-scope.ts) */
  readonly bpmnProcessId?: string | undefined;
}

/** Opens a case for the attempt, or returns the one already open for it (one open case per attempt). */
export async function openCase(db: CommonQueryMethods, c: NewCase): Promise<string> {
  const existing = await db.maybeOneFirst(sql.type(z.object({ reconciliation_case_id: z.string() }))`
    select reconciliation_case_id from reconciliation_case
    where external_call_id = ${c.externalCallId} and status in ('OPEN', 'MANUAL_REVIEW')`);
  if (existing) return existing;
  const id = randomUUID();
  await db.query(sql.unsafe`
    insert into reconciliation_case (reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id,
      mismatch_type, expected_state, observed_state, severity, status, external_call_id, order_id, job_key, process_instance_key, bpmn_process_id, detected_at)
    values (${id}, ${c.tenantId}, ${c.system}, ${c.businessObjectType}, ${c.businessObjectId}, ${c.mismatchType},
      ${sql.jsonb(c.expectedState as never)}, ${sql.jsonb(c.observedState as never)}, ${c.severity}, 'OPEN', ${c.externalCallId},
      ${c.orderId ?? null}, ${c.jobKey ?? null}, ${c.processInstanceKey ?? null}, ${c.bpmnProcessId ?? null}, now())`);
  await appendCaseEvent(db, id, { action: 'OPENED', actor: RECONCILER, observedState: c.observedState, note: `${c.mismatchType} on ${c.system} ${c.businessObjectType} ${c.businessObjectId}` });
  // counted inside the caller's transaction: a rolled-back opening is still counted (rare, and on the safe side)
  metrics.reconciliationCase.inc({ system: c.system, mismatch_type: c.mismatchType, severity: c.severity, status: 'OPEN' });
  if (c.orderId) {
    await emit(db, 'ReconciliationCaseOpened', { orderId: c.orderId, correlationId: await correlationOf(db, c.orderId), causationId: `case:${id}`, payload: { caseId: id, systemCode: c.system, mismatchType: c.mismatchType, severity: c.severity } });
  }
  return id;
}

export async function appendCaseEvent(db: CommonQueryMethods, caseId: string, e: { action: CaseEventAction; actor: string; observedState?: unknown; note?: string | undefined }): Promise<void> {
  await db.query(sql.unsafe`
    insert into reconciliation_case_event (event_id, reconciliation_case_id, action, actor, observed_state, note)
    values (${randomUUID()}, ${caseId}, ${e.action}, ${e.actor}, ${e.observedState === undefined ? null : sql.jsonb(e.observedState as never)}, ${e.note ?? null})`);
}

export const caseRow = z.object({
  reconciliation_case_id: z.string(),
  tenant_id: z.string(),
  system_code: z.string(),
  business_object_type: z.string(),
  business_object_id: z.string(),
  mismatch_type: z.enum(MISMATCH_TYPES),
  expected_state: z.unknown(),
  observed_state: z.unknown(),
  severity: z.enum(CASE_SEVERITIES),
  status: z.enum(CASE_STATUSES),
  external_call_id: z.string().nullable(),
  order_id: z.string().nullable(),
  job_key: z.string().nullable(),
  process_instance_key: z.string().nullable(),
  handler_process_instance_key: z.string().nullable(),
  check_count: z.number(),
  resolution: z.string().nullable(),
  decided_by: z.string().nullable(),
  detected_at: z.unknown(),
  resolved_at: z.unknown(),
});
export type CaseRow = z.infer<typeof caseRow>;

const caseColumns = sql.fragment`
  reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id, mismatch_type, expected_state,
  observed_state, severity, status, external_call_id, order_id, job_key, process_instance_key, handler_process_instance_key,
  check_count, resolution, decided_by, detected_at, resolved_at`;

export class CaseNotFound extends Error {
  override readonly name = 'CaseNotFound';
}

export async function loadCase(db: CommonQueryMethods, caseId: string, forUpdate = false): Promise<CaseRow> {
  const row = await db.maybeOne(sql.type(caseRow)`select ${caseColumns} from reconciliation_case where reconciliation_case_id = ${caseId} ${forUpdate ? sql.fragment`for update` : sql.fragment``}`);
  if (!row) throw new CaseNotFound(`reconciliation case ${caseId} does not exist`);
  return row;
}

export async function listCases(db: CommonQueryMethods, filter: { status?: CaseStatus; orderId?: string; limit?: number } = {}): Promise<readonly CaseRow[]> {
  const conditions = [sql.fragment`true`];
  if (filter.status) conditions.push(sql.fragment`status = ${filter.status}`);
  if (filter.orderId) conditions.push(sql.fragment`order_id = ${filter.orderId}`);
  return db.any(sql.type(caseRow)`
    select ${caseColumns} from reconciliation_case where ${sql.join(conditions, sql.fragment` and `)}
    order by detected_at desc limit ${filter.limit ?? 100}`);
}

export const caseEventRow = z.object({ action: z.enum(CASE_EVENT_ACTIONS), actor: z.string(), observed_state: z.unknown(), note: z.string().nullable(), recorded_at: z.unknown() });
export type CaseEventRow = z.infer<typeof caseEventRow>;

export async function caseHistory(db: CommonQueryMethods, caseId: string): Promise<readonly CaseEventRow[]> {
  return db.any(sql.type(caseEventRow)`
    select action, actor, observed_state, note, recorded_at from reconciliation_case_event
    where reconciliation_case_id = ${caseId} order by recorded_at, event_id`);
}

async function correlationOf(db: CommonQueryMethods, orderId: string): Promise<string> {
  return (await db.maybeOneFirst(sql.type(z.object({ correlation_id: z.string() }))`select correlation_id from customer_order where order_id = ${orderId}`)) ?? orderId;
}

/** Moves the case to a status (announcing it when the case ends); resolution and decider are kept for the record. */
export async function setCaseStatus(db: CommonQueryMethods, caseId: string, status: CaseStatus, details: { resolution?: string; decidedBy?: string; observedState?: unknown } = {}): Promise<void> {
  const ended = await db.one(sql.type(z.object({ order_id: z.string().nullable(), resolution: z.string().nullable(), decided_by: z.string().nullable(), system_code: z.string(), mismatch_type: z.string(), severity: z.string() }))`
    update reconciliation_case
    set status = ${status},
        resolution = coalesce(${details.resolution ?? null}, resolution),
        decided_by = coalesce(${details.decidedBy ?? null}, decided_by),
        observed_state = coalesce(${details.observedState === undefined ? null : sql.jsonb(details.observedState as never)}, observed_state),
        resolved_at = case when ${status} in ('RESOLVED', 'CLOSED') then now() else resolved_at end,
        updated_at = now()
    where reconciliation_case_id = ${caseId}
    returning order_id, resolution, decided_by, system_code, mismatch_type, severity`);
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
