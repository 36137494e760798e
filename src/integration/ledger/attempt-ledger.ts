// The external call attempt ledger (seed 000 §5) in PostgreSQL: one row per idempotency key, the
// unique constraint being the real guard against a second side effect; one evidence row per try.
// Every state change of an attempt goes through here.
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { ExternalSystem } from '../../core/ports/external-result.ts';
import type { FailureCategory } from '../../core/ports/failure-category.ts';

export const ATTEMPT_STATUSES = ['STARTED', 'SUCCEEDED', 'PENDING', 'REJECTED', 'CONFLICT', 'FAILED', 'AMBIGUOUS'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** What produced an evidence row (ck_evidence_kind; contracts/enum-map.yaml EvidenceKind). */
export const EVIDENCE_KINDS = ['CALL', 'REPLAY', 'REFUSED', 'CALLBACK', 'RECONCILIATION', 'OPERATOR'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const attemptRow = z.object({
  external_call_id: z.string(),
  tenant_id: z.string(),
  system_code: z.string(),
  operation_code: z.string(),
  business_object_type: z.string(),
  business_object_id: z.string(),
  idempotency_key: z.string(),
  correlation_id: z.string(),
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

const columns = sql.fragment`
  external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
  idempotency_key, correlation_id, request_hash, result, status, external_request_id, external_reference_id,
  failure_category, failure_reason, retryable, request_sent, attempt_no,
  coalesce(lease_expires_at < now(), false) as lease_expired`;

export interface AttemptIdentity {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly businessObjectType: string;
  readonly businessObjectId: string;
  readonly idempotencyKey: string;
  readonly correlationId: string;
  /** what caused this call: the job key, or the command id of an operator action */
  readonly causationId: string;
  readonly requestHash: string;
  readonly requestSnapshot: unknown;
  /** how long a STARTED attempt may stay unfinished before it counts as abandoned */
  readonly leaseMs: number;
}

/** What the ledger says about a call that is about to be made. */
export type Claim =
  | { readonly decision: 'send'; readonly attempt: AttemptRow }
  | { readonly decision: 'replay'; readonly attempt: AttemptRow }
  | { readonly decision: 'conflict'; readonly attempt: AttemptRow }
  | { readonly decision: 'in-progress'; readonly attempt: AttemptRow }
  /**
   * an earlier try was left unfinished (worker died mid-call) or answered unreadably (both:
   * `abandoned`, the ambiguity is new and `reason` says why), or is already known to be ambiguous
   */
  | { readonly decision: 'ambiguous'; readonly attempt: AttemptRow; readonly abandoned: boolean; readonly reason?: string };

export interface AttemptResultRecord {
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

export interface EvidenceRecord {
  readonly externalCallId: string;
  readonly attemptNo: number;
  readonly kind: EvidenceKind;
  readonly outcome: string;
  readonly failureCategory?: string | undefined;
  readonly detail?: string | undefined;
  readonly requestSnapshot?: unknown;
  readonly responseSnapshot?: unknown;
  readonly httpStatus?: number | undefined;
  readonly latencyMs?: number | undefined;
  readonly jobKey?: string | undefined;
}

const json = (v: unknown) => sql.jsonb((v ?? null) as never);
/** SQL NULL (not JSON null) when there is nothing to store, so coalesce keeps the old value. */
const jsonOrNull = (v: unknown) => (v === undefined || v === null ? null : sql.jsonb(v as never));

/** The insert of one evidence row, as a fragment (alone, or in a WITH of a bigger statement). */
const evidenceInsert = (evidenceId: string, e: EvidenceRecord) => sql.fragment`
  insert into external_call_evidence (evidence_id, external_call_id, attempt_no, kind, outcome, failure_category, detail,
    request_snapshot, response_snapshot, http_status, latency_ms, job_key)
  values (${evidenceId}, ${e.externalCallId}, ${e.attemptNo}, ${e.kind}, ${e.outcome}, ${e.failureCategory ?? null}, ${e.detail ?? null},
    ${json(e.requestSnapshot)}, ${json(e.responseSnapshot)}, ${e.httpStatus ?? null}, ${e.latencyMs ?? null}, ${e.jobKey ?? null})`;

export class AttemptLedger {
  private readonly pool: DatabasePool;

  constructor(pool: DatabasePool) {
    this.pool = pool;
  }

  /**
   * Decides, atomically, whether this call may be sent. A new key inserts a STARTED row; an
   * existing one replays, refuses a different request under the same key, waits for a call in
   * flight, or re-claims a failed attempt for another try.
   */
  async claim(id: AttemptIdentity): Promise<Claim> {
    // A new key (the common case) is one statement, atomic on its own: no transaction around it.
    const inserted = await this.pool.maybeOne(sql.type(attemptRow)`
      insert into external_call_attempt (
        external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
        idempotency_key, correlation_id, causation_id, request_hash, request_snapshot, status, attempt_no,
        lease_expires_at, started_at, created_at, updated_at)
      values (${randomUUID()}, ${id.tenantId}, ${id.system}, ${id.operation}, ${id.businessObjectType}, ${id.businessObjectId},
        ${id.idempotencyKey}, ${id.correlationId}, ${id.causationId}, ${id.requestHash}, ${json(id.requestSnapshot)}, 'STARTED', 1,
        now() + make_interval(secs => ${id.leaseMs / 1000}), now(), now(), now())
      on conflict (tenant_id, system_code, operation_code, idempotency_key) do nothing
      returning ${columns}`);
    if (inserted) return { decision: 'send', attempt: inserted };

    // The key is taken: decide on the row, locked, in a transaction (a re-claim changes it).
    return this.pool.transaction(async (tx) => {
      const existing = await tx.one(sql.type(attemptRow)`
        select ${columns} from external_call_attempt
        where tenant_id = ${id.tenantId} and system_code = ${id.system} and operation_code = ${id.operation} and idempotency_key = ${id.idempotencyKey}
        for update`);
      if (existing.request_hash !== id.requestHash) return { decision: 'conflict', attempt: existing };
      switch (existing.status) {
        case 'SUCCEEDED':
        case 'PENDING':
        case 'REJECTED':
        case 'CONFLICT':
          return { decision: 'replay', attempt: existing };
        case 'AMBIGUOUS':
          return { decision: 'ambiguous', attempt: existing, abandoned: false };
        case 'STARTED':
          if (!existing.lease_expired) return { decision: 'in-progress', attempt: existing };
          return { decision: 'ambiguous', attempt: existing, abandoned: true };
        case 'FAILED': {
          // The system received the request and answered something the farm could not read: it may
          // well have acted on it (a 2xx with a broken body). The first job run raised the
          // SCHEMA_MISMATCH incident; a later run (the engine never heard that decision, or an
          // operator retried the incident) must not send again: it becomes a reconciliation case.
          if (existing.failure_category === 'SCHEMA_MISMATCH' && existing.request_sent === true) {
            const reason = `attempt ${existing.attempt_no} reached ${existing.system_code} but its answer could not be read (${existing.failure_reason ?? 'schema mismatch'}); the request may have been carried out, so it is not sent again`;
            return { decision: 'ambiguous', attempt: existing, abandoned: true, reason };
          }
          const retried = await tx.one(sql.type(attemptRow)`
            update external_call_attempt
            set status = 'STARTED', attempt_no = attempt_no + 1, causation_id = ${id.causationId},
                request_snapshot = ${json(id.requestSnapshot)}, lease_expires_at = now() + make_interval(secs => ${id.leaseMs / 1000}),
                started_at = now(), completed_at = null, updated_at = now()
            where external_call_id = ${existing.external_call_id}
            returning ${columns}`);
          return { decision: 'send', attempt: retried };
        }
      }
    });
  }

  /**
   * Stores the outcome of the try this worker claimed, with its evidence, and lets the caller
   * change domain state in the same transaction. Returns undefined when the attempt is no longer
   * this try's (its lease expired and someone else moved it on): the evidence is kept regardless.
   */
  async record<T>(
    attempt: AttemptRow,
    rec: AttemptResultRecord,
    evidence: Omit<EvidenceRecord, 'externalCallId' | 'attemptNo'>,
    inSameTransaction?: (tx: DatabaseTransactionConnection, evidenceId: string) => Promise<T>,
  ): Promise<{ evidenceId: string; applied: boolean; extra: T | undefined }> {
    return this.pool.transaction(async (tx) => {
      const evidenceId = randomUUID();
      // evidence and attempt in one statement (one round trip): the evidence is kept either way
      const updated = await tx.query(sql.unsafe`
        with evidence as (${evidenceInsert(evidenceId, { ...evidence, externalCallId: attempt.external_call_id, attemptNo: attempt.attempt_no })})
        update external_call_attempt
        set status = ${rec.status}, result = ${json(rec.result)}, response_snapshot = ${json(rec.responseSnapshot)},
            request_snapshot = coalesce(${jsonOrNull(rec.requestSnapshot)}, request_snapshot),
            external_request_id = coalesce(${rec.externalRequestId ?? null}, external_request_id),
            external_reference_id = coalesce(${rec.externalReferenceId ?? null}, external_reference_id),
            failure_category = ${rec.failureCategory ?? null}, failure_reason = ${rec.failureReason ?? null},
            retryable = ${rec.retryable ?? null}, request_sent = ${rec.requestSent}, lease_expires_at = null,
            completed_at = case when ${rec.status} in ('SUCCEEDED', 'REJECTED', 'CONFLICT') then now() else completed_at end,
            updated_at = now()
        where external_call_id = ${attempt.external_call_id} and status = 'STARTED' and attempt_no = ${attempt.attempt_no}`);
      const applied = updated.rowCount === 1;
      const extra = applied && inSameTransaction ? await inSameTransaction(tx, evidenceId) : undefined;
      return { evidenceId, applied, extra };
    });
  }

  /**
   * Reconciliation found what the external system did with an AMBIGUOUS attempt: the attempt takes
   * the state a normal answer would have given it, so the job's next run replays it.
   */
  async repairAmbiguous(
    tx: DatabaseTransactionConnection,
    externalCallId: string,
    found: { status: 'SUCCEEDED' | 'PENDING'; value: unknown; externalRequestId?: string | undefined; externalReferenceId?: string | undefined },
    evidence: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown },
  ): Promise<boolean> {
    const updated = await tx.query(sql.unsafe`
      update external_call_attempt
      set status = ${found.status}, result = ${json({ value: found.value })},
          external_request_id = coalesce(${found.externalRequestId ?? null}, external_request_id),
          external_reference_id = coalesce(${found.externalReferenceId ?? null}, external_reference_id),
          failure_category = null, failure_reason = null, retryable = false,
          completed_at = case when ${found.status} = 'SUCCEEDED' then now() else completed_at end, updated_at = now()
      where external_call_id = ${externalCallId} and status = 'AMBIGUOUS'`);
    await this.evidenceOfReview(tx, externalCallId, found.status, evidence);
    return updated.rowCount === 1;
  }

  /** Reconciliation found no trace of an AMBIGUOUS attempt: the next run sends it again, same key. */
  async markSafeToRetry(tx: DatabaseTransactionConnection, externalCallId: string, evidence: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown }): Promise<boolean> {
    const updated = await tx.query(sql.unsafe`
      update external_call_attempt
      set status = 'FAILED', retryable = true, request_sent = false, failure_category = 'AMBIGUOUS_OUTCOME',
          failure_reason = ${`reconciled: not executed, safe to send again (${evidence.detail})`.slice(0, 1_000)}, updated_at = now()
      where external_call_id = ${externalCallId} and status = 'AMBIGUOUS'`);
    await this.evidenceOfReview(tx, externalCallId, 'SAFE_TO_RETRY', evidence);
    return updated.rowCount === 1;
  }

  private async evidenceOfReview(tx: DatabaseTransactionConnection, externalCallId: string, outcome: string, e: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown }): Promise<void> {
    const attemptNo = await tx.oneFirst(sql.type(z.object({ attempt_no: z.number() }))`select attempt_no from external_call_attempt where external_call_id = ${externalCallId}`);
    await this.insertEvidence(tx, { externalCallId, attemptNo, kind: e.kind, outcome, detail: e.detail, responseSnapshot: e.observed });
  }

  /** Marks an attempt AMBIGUOUS (from STARTED, e.g. abandoned by a dead worker) inside tx. */
  async markAmbiguous(tx: DatabaseTransactionConnection, externalCallId: string, reason: string): Promise<void> {
    await tx.query(sql.unsafe`
      update external_call_attempt
      set status = 'AMBIGUOUS', failure_category = 'AMBIGUOUS_OUTCOME', failure_reason = ${reason}, retryable = false,
          lease_expires_at = null, updated_at = now()
      where external_call_id = ${externalCallId} and status in ('STARTED', 'AMBIGUOUS', 'FAILED')`);
  }

  async insertEvidence(tx: DatabaseTransactionConnection | DatabasePool, e: EvidenceRecord): Promise<string> {
    const evidenceId = randomUUID();
    await tx.query(sql.unsafe`${evidenceInsert(evidenceId, e)}`);
    return evidenceId;
  }

  /** Evidence of a request the ledger refused to send (e.g. a different request under a used key). */
  async recordRefusal(e: EvidenceRecord): Promise<string> {
    return this.insertEvidence(this.pool, e);
  }

  /** Evidence of the try that produced the attempt's current state (what a replay points to). */
  async latestEvidenceId(externalCallId: string, db: DatabaseTransactionConnection | DatabasePool = this.pool): Promise<string | undefined> {
    const id = await db.maybeOneFirst(sql.type(z.object({ evidence_id: z.string() }))`
      select evidence_id from external_call_evidence where external_call_id = ${externalCallId} and kind <> 'REFUSED'
      order by recorded_at desc limit 1`);
    return id ?? undefined;
  }

  async transaction<T>(fn: (tx: DatabaseTransactionConnection) => Promise<T>): Promise<T> {
    return this.pool.transaction(fn);
  }
}
