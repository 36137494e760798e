// reconciliation_case: the cases opened when an outcome is ambiguous or an external system holds a
// conflicting request (seed 000 §23.1). Every SQL text naming the table is here; what a case means
// (opening it, announcing its end) is the core's (src/core/reconciliation/cases.ts).
import { storableJsonb } from '../platform/storable-text.ts';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { CASE_SEVERITIES, CASE_STATUSES, MISMATCH_TYPES, type CaseSeverity, type CaseStatus, type MismatchType } from '../core/domain/case-vocabulary.ts';
import type { ExternalSystem } from '../core/ports/external-result.ts';
import { caseResumed } from './reconciliation-case-event.ts';

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
  // timestamptz: slonik's type parser gives epoch milliseconds
  detected_at: z.number(),
  resolved_at: z.number().nullable(),
});
export type CaseRow = z.infer<typeof caseRow>;

const caseColumns = sql.fragment`
  reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id, mismatch_type, expected_state,
  observed_state, severity, status, external_call_id, order_id, job_key, process_instance_key, handler_process_instance_key,
  check_count, resolution, decided_by, detected_at, resolved_at`;

const caseId = z.object({ reconciliation_case_id: z.string() });

/** The case still open for an attempt, if any (one open case per attempt). */
export async function openCaseOfAttempt(db: CommonQueryMethods, externalCallId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(caseId)`
    select reconciliation_case_id from reconciliation_case
    where external_call_id = ${externalCallId} and status in ('OPEN', 'MANUAL_REVIEW')`);
}

export async function insertCase(db: CommonQueryMethods, id: string, c: NewCase): Promise<void> {
  await db.query(sql.unsafe`
    insert into reconciliation_case (reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id,
      mismatch_type, expected_state, observed_state, severity, status, external_call_id, order_id, job_key, process_instance_key, bpmn_process_id, detected_at)
    values (${id}, ${c.tenantId}, ${c.system}, ${c.businessObjectType}, ${c.businessObjectId}, ${c.mismatchType},
      ${storableJsonb(c.expectedState as never)}, ${storableJsonb(c.observedState as never)}, ${c.severity}, 'OPEN', ${c.externalCallId},
      ${c.orderId ?? null}, ${c.jobKey ?? null}, ${c.processInstanceKey ?? null}, ${c.bpmnProcessId ?? null}, now())`);
}

export async function findCase(db: CommonQueryMethods, id: string, forUpdate = false): Promise<CaseRow | null> {
  return db.maybeOne(sql.type(caseRow)`select ${caseColumns} from reconciliation_case where reconciliation_case_id = ${id} ${forUpdate ? sql.fragment`for update` : sql.fragment``}`);
}

export async function listCases(db: CommonQueryMethods, filter: { status?: CaseStatus; orderId?: string; limit?: number } = {}): Promise<readonly CaseRow[]> {
  const conditions = [sql.fragment`true`];
  if (filter.status) conditions.push(sql.fragment`status = ${filter.status}`);
  if (filter.orderId) conditions.push(sql.fragment`order_id = ${filter.orderId}`);
  return db.any(sql.type(caseRow)`
    select ${caseColumns} from reconciliation_case where ${sql.join(conditions, sql.fragment` and `)}
    order by detected_at desc limit ${filter.limit ?? 100}`);
}

const endedRow = z.object({ order_id: z.string().nullable(), resolution: z.string().nullable(), decided_by: z.string().nullable(), system_code: z.string(), mismatch_type: z.string(), severity: z.string() });
export type CaseStatusChange = z.infer<typeof endedRow>;

/** Moves the case to a status; resolution, decider and observed state are kept when not given. */
export async function updateCaseStatus(db: CommonQueryMethods, id: string, status: CaseStatus, details: { resolution?: string | undefined; decidedBy?: string | undefined; observedState?: unknown } = {}): Promise<CaseStatusChange> {
  return db.one(sql.type(endedRow)`
    update reconciliation_case
    set status = ${status},
        resolution = coalesce(${details.resolution ?? null}, resolution),
        decided_by = coalesce(${details.decidedBy ?? null}, decided_by),
        observed_state = coalesce(${details.observedState === undefined ? null : storableJsonb(details.observedState as never)}, observed_state),
        resolved_at = case when ${status} in ('RESOLVED', 'CLOSED') then now() else resolved_at end,
        updated_at = now()
    where reconciliation_case_id = ${id}
    returning order_id, resolution, decided_by, system_code, mismatch_type, severity`);
}

/** Links the case's reconciliation process instance (the first one to check it keeps the link). */
export async function linkHandlerProcess(db: CommonQueryMethods, id: string, handlerProcessInstanceKey: string): Promise<void> {
  await db.query(sql.unsafe`
    update reconciliation_case set handler_process_instance_key = coalesce(handler_process_instance_key, ${handlerProcessInstanceKey}) where reconciliation_case_id = ${id}`);
}

export async function setCheckCount(db: CommonQueryMethods, id: string, checks: number): Promise<void> {
  await db.query(sql.unsafe`update reconciliation_case set check_count = ${checks}, updated_at = now() where reconciliation_case_id = ${id}`);
}

/** Records when the start of the case's reconciliation process was requested (by the core's clock, as the sweep compares it). */
export async function markHandlerRequested(db: CommonQueryMethods, id: string, at: Date): Promise<void> {
  await db.query(sql.unsafe`update reconciliation_case set handler_requested_at = ${at.toISOString()}::timestamptz where reconciliation_case_id = ${id}`);
}

/**
 * Open ambiguous cases with no reconciliation process yet (none linked, none requested in the two
 * minutes before `now`) among those opened by `fulfillmentProcessId` (and, for production, by no process).
 */
export async function casesWaitingForHandler(db: CommonQueryMethods, o: { readonly fulfillmentProcessId: string; readonly includeUnscoped: boolean; readonly limit: number; readonly now: Date }): Promise<readonly string[]> {
  const ownCases = o.includeUnscoped
    ? sql.fragment`(bpmn_process_id = ${o.fulfillmentProcessId} or bpmn_process_id is null)`
    : sql.fragment`bpmn_process_id = ${o.fulfillmentProcessId}`;
  return db.anyFirst(sql.type(caseId)`
    select reconciliation_case_id from reconciliation_case
    where status = 'OPEN' and mismatch_type = 'AMBIGUOUS_OUTCOME' and handler_process_instance_key is null
      and (handler_requested_at is null or handler_requested_at < ${o.now.toISOString()}::timestamptz - interval '2 minutes')
      and ${ownCases}
    order by detected_at limit ${o.limit}`);
}

/** The order's cases not yet decided (OPEN, MANUAL_REVIEW), oldest first; locked when `forUpdate`. */
export async function undecidedCasesOfOrder(db: CommonQueryMethods, orderId: string, o: { readonly forUpdate?: boolean } = {}): Promise<readonly string[]> {
  return db.anyFirst(sql.type(caseId)`
    select reconciliation_case_id from reconciliation_case where order_id = ${orderId} and status in ('OPEN', 'MANUAL_REVIEW')
    order by detected_at ${o.forUpdate ? sql.fragment`for update` : sql.fragment``}`);
}

const resumeRow = z.object({ job_key: z.string().nullable(), process_instance_key: z.string().nullable(), resumed: z.boolean(), settled_for_ms: z.number() });

/** What resuming the case's job needs: the job, whether it was resumed, and how long ago the case was settled. */
export async function caseResumeState(db: CommonQueryMethods, id: string): Promise<{ jobKey: string | null; processInstanceKey: string | null; resumed: boolean; settledForMs: number }> {
  const row = await db.one(sql.type(resumeRow)`
    select c.job_key, c.process_instance_key, ${caseResumed(['c', 'reconciliation_case_id'])} as resumed,
      (extract(epoch from now() - coalesce(c.resolved_at, c.detected_at)) * 1000)::float8 as settled_for_ms
    from reconciliation_case c where c.reconciliation_case_id = ${id}`);
  return { jobKey: row.job_key, processInstanceKey: row.process_instance_key, resumed: row.resumed, settledForMs: row.settled_for_ms };
}

const countsRow = z.object({ undecided: z.number(), reconciling: z.number(), settled: z.number() });

/**
 * Case counts of some orders: undecided (OPEN, MANUAL_REVIEW), reconciling (open, or resolved but
 * its job not resumed yet) and settled (RESOLVED, CLOSED). For the demo's report.
 */
export async function caseCountsOfOrders(db: CommonQueryMethods, orderIds: readonly string[]): Promise<z.infer<typeof countsRow>> {
  return db.one(sql.type(countsRow)`
    select count(*) filter (where c.status in ('OPEN', 'MANUAL_REVIEW'))::int as undecided,
           count(*) filter (where c.status = 'OPEN' or (c.status = 'RESOLVED' and not ${caseResumed(['c', 'reconciliation_case_id'])}))::int as reconciling,
           count(*) filter (where c.status in ('RESOLVED', 'CLOSED'))::int as settled
    from reconciliation_case c where c.order_id = any(${sql.array([...orderIds], 'text')})`);
}

/** Whether the order has a case not decided yet, as a condition of a bigger statement. */
export const undecidedCaseOfOrderExists = (orderId: string) => sql.fragment`
  exists (select 1 from reconciliation_case where order_id = ${orderId} and status in ('OPEN', 'MANUAL_REVIEW'))`;

/** How many cases of the order whose id is in column `orderIdColumn` are not decided yet, as a scalar subquery. */
export const undecidedCaseCountOfColumn = (orderIdColumn: readonly string[]) => sql.fragment`
  (select count(*)::int from reconciliation_case where order_id = ${sql.identifier([...orderIdColumn])} and status in ('OPEN', 'MANUAL_REVIEW'))`;

/** Whether the order whose id is in column `orderIdColumn` has a case not decided yet, as a condition. */
export const undecidedCaseOfOrderColumnExists = (orderIdColumn: readonly string[]) => sql.fragment`
  exists (select 1 from reconciliation_case where order_id = ${sql.identifier([...orderIdColumn])} and status in ('OPEN', 'MANUAL_REVIEW'))`;
