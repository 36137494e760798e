// external_call_attempt: the attempt ledger (seed 000 §5), one row per idempotency key, the unique
// constraint being the real guard against a second side effect. Every SQL text naming the table is
// here; what the rows mean (claim, replay, conflict, lease) is decided in src/integration/ledger.
import { storableJsonb } from '../platform/storable-text.ts';
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods, type DatabaseTransactionConnection, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { ExternalSystem } from '../core/ports/external-result.ts';
import type { FailureCategory } from '../core/ports/failure-category.ts';

export const ATTEMPT_STATUSES = ['STARTED', 'SUCCEEDED', 'PENDING', 'REJECTED', 'CONFLICT', 'FAILED', 'AMBIGUOUS'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * The request hash of an attempt claimed before its request could be built (a job's first
 * statement claims the key while it reads the order the request is built from): the hash is
 * stored with the result. A claim finding this hash cannot tell the requests apart, so it does
 * not call it a conflict (see AttemptLedger.claim).
 */
export const UNKNOWN_REQUEST_HASH = '';

export const attemptRow = z.object({
  external_call_id: z.string(),
  tenant_id: z.string(),
  system_code: z.string(),
  operation_code: z.string(),
  business_object_type: z.string(),
  business_object_id: z.string(),
  idempotency_key: z.string(),
  correlation_id: z.string(),
  /** what made the latest try: `job:<key>` for a job (constant across the job's retries), else a command id */
  causation_id: z.string(),
  request_hash: z.string(),
  result: z.unknown().nullable(),
  status: z.enum(ATTEMPT_STATUSES),
  external_request_id: z.string().nullable(),
  external_reference_id: z.string().nullable(),
  failure_category: z.string().nullable(),
  failure_reason: z.string().nullable(),
  retryable: z.boolean().nullable(),
  request_sent: z.boolean().nullable(),
  attempt_no: z.number(),
  lease_expired: z.boolean(),
});
export type AttemptRow = z.infer<typeof attemptRow>;

/** The columns of attemptRow, for a `returning` or a `select`. */
export const attemptColumns = sql.fragment`
  external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
  idempotency_key, correlation_id, causation_id, request_hash, result, status, external_request_id, external_reference_id,
  failure_category, failure_reason, retryable, request_sent, attempt_no,
  coalesce(lease_expires_at < now(), false) as lease_expired`;

const json = (v: unknown) => storableJsonb((v ?? null) as never);
/** SQL NULL (not JSON null) when there is nothing to store, so coalesce keeps the old value. */
const jsonOrNull = (v: unknown) => (v === undefined || v === null ? null : storableJsonb(v as never));
const lease = (leaseMs: number) => sql.fragment`now() + make_interval(secs => ${leaseMs / 1000})`;

export interface AttemptKey {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly idempotencyKey: string;
}

export interface NewAttempt extends AttemptKey {
  readonly businessObjectType: string;
  readonly businessObjectId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly requestHash: string;
  readonly requestSnapshot: unknown;
  readonly leaseMs: number;
}

/** Inserts the STARTED attempt of a new key; null when the key is already taken (nothing written). */
export async function insertStartedAttempt(db: CommonQueryMethods, a: NewAttempt): Promise<AttemptRow | null> {
  return db.maybeOne(sql.type(attemptRow)`
    insert into external_call_attempt (
      external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
      idempotency_key, correlation_id, causation_id, request_hash, request_snapshot, status, attempt_no,
      lease_expires_at, started_at, created_at, updated_at)
    values (${randomUUID()}, ${a.tenantId}, ${a.system}, ${a.operation}, ${a.businessObjectType}, ${a.businessObjectId},
      ${a.idempotencyKey}, ${a.correlationId}, ${a.causationId}, ${a.requestHash}, ${json(a.requestSnapshot)}, 'STARTED', 1,
      ${lease(a.leaseMs)}, now(), now(), now())
    on conflict (tenant_id, system_code, operation_code, idempotency_key) do nothing
    returning ${attemptColumns}`);
}

/**
 * Text taken from the order row a statement reads (its CTE has the customer_order columns
 * tenant_id, correlation_id and order_snapshot): literal text, or a field of the snapshot, with
 * `:` written `_` when it is a part of an idempotency key (src/core/domain/idempotency-keys.ts).
 */
export type OrderText = readonly (
  | string
  | { readonly field: readonly string[]; readonly keyPart?: boolean }
  /** a column of another one-row CTE of the statement (e.g. the task whose request a poll follows) */
  | { readonly cte: string; readonly column: string }
)[];

const orderText = (cte: string, text: OrderText): FragmentSqlToken => {
  const parts = text.map((p) =>
    typeof p === 'string'
      ? sql.fragment`${p}::text`
      : 'cte' in p
        ? sql.fragment`(select ${sql.identifier([p.cte, p.column])} from ${sql.identifier([p.cte])})`
      : p.keyPart
        ? sql.fragment`replace(${sql.identifier([cte, 'order_snapshot'])} #>> ${sql.array([...p.field], 'text')}, ':', '_')`
        : sql.fragment`(${sql.identifier([cte, 'order_snapshot'])} #>> ${sql.array([...p.field], 'text')})`,
  );
  return sql.fragment`concat(${sql.join(parts, sql.fragment`, `)})`;
};

export interface ClaimFromOrder {
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly businessObjectType: string;
  readonly businessObjectId: OrderText;
  readonly idempotencyKey: OrderText;
  readonly causationId: string;
  readonly leaseMs: number;
}

/**
 * The claim of a job's first statement: the STARTED attempt of a new key, its tenant, correlation
 * and key taken from the order read by CTE `orderCte` in the same statement. The request is not
 * known yet (it is built from that order): its hash is UNKNOWN_REQUEST_HASH and its snapshot JSON
 * null until the result is stored (resultUpdate). Returns the attempt only when this statement
 * inserted it; a key already taken returns nothing and changes nothing.
 */
export const claimFromOrderInsert = (orderCte: string, c: ClaimFromOrder): FragmentSqlToken => sql.fragment`
  insert into external_call_attempt (
    external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
    idempotency_key, correlation_id, causation_id, request_hash, request_snapshot, status, attempt_no,
    lease_expires_at, started_at, created_at, updated_at)
  select ${randomUUID()}, o.tenant_id, ${c.system}, ${c.operation}, ${c.businessObjectType}, ${orderText('o', c.businessObjectId)},
    ${orderText('o', c.idempotencyKey)}, o.correlation_id, ${c.causationId}, ${UNKNOWN_REQUEST_HASH}, 'null'::jsonb, 'STARTED', 1,
    ${lease(c.leaseMs)}, now(), now(), now()
  from ${sql.identifier([orderCte])} o
  on conflict (tenant_id, system_code, operation_code, idempotency_key) do nothing
  returning ${attemptColumns}`;

/** The attempt of a key, locked until the transaction ends (the slow claim decides on it). */
export async function lockAttempt(tx: DatabaseTransactionConnection, key: AttemptKey): Promise<AttemptRow> {
  return tx.one(sql.type(attemptRow)`
    select ${attemptColumns} from external_call_attempt
    where tenant_id = ${key.tenantId} and system_code = ${key.system} and operation_code = ${key.operation} and idempotency_key = ${key.idempotencyKey}
    for update`);
}

export async function attemptExists(db: CommonQueryMethods, key: AttemptKey): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ attempted: z.boolean() }))`
    select exists (
      select 1 from external_call_attempt
      where tenant_id = ${key.tenantId} and system_code = ${key.system} and operation_code = ${key.operation} and idempotency_key = ${key.idempotencyKey}
    ) as attempted`);
}

/** A FAILED attempt (or a REJECTED one a new job asks for again) taken for another try (the row is locked by the caller). */
export async function reclaimAttempt(
  tx: DatabaseTransactionConnection,
  externalCallId: string,
  r: { readonly causationId: string; readonly requestHash: string; readonly requestSnapshot: unknown; readonly leaseMs: number },
): Promise<AttemptRow> {
  return tx.one(sql.type(attemptRow)`
    update external_call_attempt
    set status = 'STARTED', attempt_no = attempt_no + 1, causation_id = ${r.causationId},
        request_hash = case when request_hash = ${UNKNOWN_REQUEST_HASH} then ${r.requestHash} else request_hash end,
        request_snapshot = ${json(r.requestSnapshot)}, lease_expires_at = ${lease(r.leaseMs)},
        started_at = now(), completed_at = null, updated_at = now()
    where external_call_id = ${externalCallId}
    returning ${attemptColumns}`);
}

/**
 * Gives back a claim this worker made a moment ago and will not use (the step's capability turned
 * out disabled once the order named the tenant): nothing was sent, so the key is as if never used.
 */
export async function releaseUnusedClaim(db: CommonQueryMethods, externalCallId: string): Promise<void> {
  await db.query(sql.unsafe`
    delete from external_call_attempt
    where external_call_id = ${externalCallId} and status = 'STARTED' and attempt_no = 1`);
}

export interface AttemptResult {
  readonly status: Exclude<AttemptStatus, 'STARTED'>;
  readonly result?: unknown;
  readonly responseSnapshot?: unknown;
  readonly requestSnapshot?: unknown;
  readonly externalRequestId?: string | undefined;
  readonly externalReferenceId?: string | undefined;
  readonly failureCategory?: FailureCategory | undefined;
  readonly failureReason?: string | undefined;
  readonly retryable?: boolean | undefined;
  readonly requestSent: boolean;
}

/**
 * Stores the result of one try, only if the attempt is still that try (STARTED, same attempt
 * number: a worker whose lease ran out must not overwrite what another did since). Returns the
 * attempt id when it applied, so the writes that go with the result can be gated on it. The
 * request's hash and snapshot are filled in when the claim could not know them.
 */
export const resultUpdate = (
  attempt: { readonly externalCallId: string; readonly attemptNo: number },
  rec: AttemptResult,
  request: { readonly hash: string; readonly snapshot: unknown },
): FragmentSqlToken => sql.fragment`
  update external_call_attempt
  set status = ${rec.status}, result = ${json(rec.result)}, response_snapshot = ${json(rec.responseSnapshot)},
      request_hash = case when request_hash = ${UNKNOWN_REQUEST_HASH} then ${request.hash} else request_hash end,
      request_snapshot = coalesce(${jsonOrNull(rec.requestSnapshot)}, case when request_snapshot = 'null'::jsonb then ${json(request.snapshot)} else request_snapshot end),
      external_request_id = coalesce(${rec.externalRequestId ?? null}, external_request_id),
      external_reference_id = coalesce(${rec.externalReferenceId ?? null}, external_reference_id),
      failure_category = ${rec.failureCategory ?? null}, failure_reason = ${rec.failureReason ?? null},
      retryable = ${rec.retryable ?? null}, request_sent = ${rec.requestSent}, lease_expires_at = null,
      completed_at = case when ${rec.status} in ('SUCCEEDED', 'REJECTED', 'CONFLICT') then now() else completed_at end,
      updated_at = now()
  where external_call_id = ${attempt.externalCallId} and status = 'STARTED' and attempt_no = ${attempt.attemptNo}
  returning external_call_id`;

/** Reconciliation found what the external system did with an AMBIGUOUS attempt; false if it was not AMBIGUOUS. */
export async function repairAmbiguousAttempt(
  tx: DatabaseTransactionConnection,
  externalCallId: string,
  found: { status: 'SUCCEEDED' | 'PENDING'; value: unknown; externalRequestId?: string | undefined; externalReferenceId?: string | undefined },
): Promise<boolean> {
  const updated = await tx.query(sql.unsafe`
    update external_call_attempt
    set status = ${found.status}, result = ${json({ value: found.value })},
        external_request_id = coalesce(${found.externalRequestId ?? null}, external_request_id),
        external_reference_id = coalesce(${found.externalReferenceId ?? null}, external_reference_id),
        failure_category = null, failure_reason = null, retryable = false,
        completed_at = case when ${found.status} = 'SUCCEEDED' then now() else completed_at end, updated_at = now()
    where external_call_id = ${externalCallId} and status = 'AMBIGUOUS'`);
  return updated.rowCount === 1;
}

/** Reconciliation found no trace of an AMBIGUOUS attempt: FAILED and retryable, so the next run sends it again. */
export async function markAttemptSafeToRetry(tx: DatabaseTransactionConnection, externalCallId: string, reason: string): Promise<boolean> {
  const updated = await tx.query(sql.unsafe`
    update external_call_attempt
    set status = 'FAILED', retryable = true, request_sent = false, failure_category = 'AMBIGUOUS_OUTCOME',
        failure_reason = ${reason.slice(0, 1_000)}, updated_at = now()
    where external_call_id = ${externalCallId} and status = 'AMBIGUOUS'`);
  return updated.rowCount === 1;
}

/** Marks an attempt AMBIGUOUS (from STARTED, e.g. abandoned by a dead worker). */
export async function markAttemptAmbiguous(db: CommonQueryMethods, externalCallId: string, reason: string): Promise<void> {
  await db.query(sql.unsafe`
    update external_call_attempt
    set status = 'AMBIGUOUS', failure_category = 'AMBIGUOUS_OUTCOME', failure_reason = ${reason}, retryable = false,
        lease_expires_at = null, updated_at = now()
    where external_call_id = ${externalCallId} and status in ('STARTED', 'AMBIGUOUS', 'FAILED')`);
}

export async function attemptNoOf(db: CommonQueryMethods, externalCallId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ attempt_no: z.number() }))`select attempt_no from external_call_attempt where external_call_id = ${externalCallId}`);
}

/** The attempt number of the attempt whose id is in column `idColumn` (e.g. ['t', 'last_external_call_id']), as a scalar subquery. */
export const attemptNoOfColumn = (idColumn: readonly string[]): FragmentSqlToken => sql.fragment`
  (select attempt_no from external_call_attempt where external_call_id = ${sql.identifier([...idColumn])})`;

/**
 * A PENDING attempt (a request the provider accepted and answers later) gets its final result, as
 * a CTE made only when CTE `gate` returned a row (its task moved to that result).
 */
export const pendingAttemptResultWhen = (gate: string, externalCallId: string, r: { readonly succeeded: boolean; readonly failureReason?: string | undefined }): FragmentSqlToken => sql.fragment`
  update external_call_attempt
  set status = ${r.succeeded ? 'SUCCEEDED' : 'REJECTED'},
      failure_category = ${r.succeeded ? null : 'BUSINESS_REJECTED'}, failure_reason = ${r.failureReason ?? null},
      completed_at = now(), updated_at = now()
  where external_call_id = ${externalCallId} and status = 'PENDING' and exists (select 1 from ${sql.identifier([gate])})
  returning external_call_id`;

/** The attempt of an external call id (what a reconciliation case or an operator looks at). */
export async function findAttempt(db: CommonQueryMethods, externalCallId: string): Promise<AttemptRow | null> {
  return db.maybeOne(sql.type(attemptRow)`select ${attemptColumns} from external_call_attempt where external_call_id = ${externalCallId}`);
}

// ---- the operator's order page ----

// the attempt's own columns without what the order page does not show, plus its times
export const ledgerEntryRow = attemptRow.omit({ tenant_id: true, correlation_id: true, causation_id: true, result: true, lease_expired: true }).extend({
  // timestamptz: slonik's type parser gives epoch milliseconds
  started_at: z.number(),
  completed_at: z.number().nullable(),
  updated_at: z.number(),
});
export type LedgerEntryRow = z.infer<typeof ledgerEntryRow>;

/**
 * The attempts about some business objects of a tenant (an order, its items, its subscription)
 * made under one correlation id (the order's), oldest first; without the snapshots (the evidence
 * has them, redacted). Served by idx_external_call_business_object.
 */
export async function attemptsOfBusinessObjects(
  db: CommonQueryMethods,
  q: { readonly tenantId: string; readonly correlationId: string; readonly objects: readonly { readonly type: string; readonly id: string }[] },
): Promise<readonly LedgerEntryRow[]> {
  if (!q.objects.length) return [];
  return db.any(sql.type(ledgerEntryRow)`
    select external_call_id, system_code, operation_code, business_object_type, business_object_id, idempotency_key, request_hash,
      status, external_request_id, external_reference_id, failure_category, failure_reason, retryable, request_sent, attempt_no,
      started_at, completed_at, updated_at
    from external_call_attempt
    where tenant_id = ${q.tenantId} and correlation_id = ${q.correlationId}
      and (business_object_type, business_object_id) in (
        select * from unnest(${sql.array(q.objects.map((o) => o.type), 'text')}, ${sql.array(q.objects.map((o) => o.id), 'text')}))
    order by created_at, external_call_id`);
}
