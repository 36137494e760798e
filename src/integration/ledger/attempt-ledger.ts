// The external call attempt ledger (seed 000 §5): one attempt per idempotency key, the unique
// constraint being the real guard against a second side effect; one evidence row per try. This
// file decides what an attempt's state means (send, replay, conflict, in progress, ambiguous);
// the SQL is in src/repositories/external-call-attempt.ts and external-call-evidence.ts.
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool, type DatabaseTransactionConnection, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { ExternalSystem } from '../../core/ports/external-result.ts';
import { JOB_CAUSATION_PREFIX } from '../../core/ports/job.ts';
import {
  attemptNoOf,
  insertStartedAttempt,
  lockAttempt,
  markAttemptAmbiguous,
  markAttemptSafeToRetry,
  reclaimAttempt,
  repairAmbiguousAttempt,
  resultUpdate,
  UNKNOWN_REQUEST_HASH,
  type AttemptResult,
  type AttemptRow,
} from '../../repositories/external-call-attempt.ts';
import { evidenceInsert, insertEvidence, latestEvidenceId, type EvidenceRecord } from '../../repositories/external-call-evidence.ts';

export { ATTEMPT_STATUSES, attemptRow, type AttemptRow, type AttemptStatus } from '../../repositories/external-call-attempt.ts';
export { EVIDENCE_KINDS, type EvidenceKind, type EvidenceRecord } from '../../repositories/external-call-evidence.ts';
export type AttemptResultRecord = AttemptResult;

/**
 * The name of the CTE that returns the attempt's id when its result was stored (the try still
 * owned the attempt). Writes stored with a result are gated on it: `where exists (select 1 from recorded)`.
 */
export const RECORDED = 'recorded';

/** One write stored with a result: a CTE of the result's statement, named so later writes can gate on it. */
export interface Write {
  readonly name: string;
  readonly sql: FragmentSqlToken;
}

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

/** One try's result as the ledger stores it, with what the caller stores alongside. */
export interface TryRecord {
  readonly attempt: AttemptRow;
  readonly evidenceId: string;
  readonly result: AttemptResult;
  readonly evidence: Omit<EvidenceRecord, 'externalCallId' | 'attemptNo'>;
  /** the request as hashed and (redacted) kept: stored when the claim could not know it */
  readonly request: { readonly hash: string; readonly snapshot: unknown };
  /** CTEs stored in the same statement, each gated on RECORDED (or on an earlier write) */
  readonly writes: readonly Write[];
}

const applied = z.object({ applied: z.boolean() });

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
    const inserted = await insertStartedAttempt(this.pool, id);
    if (inserted) return { decision: 'send', attempt: inserted };
    return this.claimTaken(id);
  }

  /**
   * The key is taken (by an earlier run, another worker, or a claim whose request was not known
   * yet): decide on the row, locked, in a transaction (a re-claim changes it).
   */
  async claimTaken(id: AttemptIdentity): Promise<Claim> {
    return this.pool.transaction(async (tx) => {
      const existing = await lockAttempt(tx, id);
      // UNKNOWN_REQUEST_HASH: claimed by a job's first statement and never finished (its result
      // stores the hash). Such an attempt is STARTED (in progress, or abandoned: ambiguous) or
      // was made AMBIGUOUS, then maybe FAILED by reconciliation: none of these decisions depends
      // on the request, and a re-claim stores this request's hash.
      if (existing.request_hash !== UNKNOWN_REQUEST_HASH && existing.request_hash !== id.requestHash) return { decision: 'conflict', attempt: existing };
      switch (existing.status) {
        case 'REJECTED':
          // A rejection answers the job that heard it (its retries and redeliveries replay it).
          // Another job of the same step means the process came back to the task on purpose (a
          // person chose RETRY once the cause was fixed, or an operator moved the token): the
          // same key and request go out again as the attempt's next try.
          if (isAnotherJob(existing.causation_id, id.causationId)) return { decision: 'send', attempt: await this.retake(tx, existing, id) };
          return { decision: 'replay', attempt: existing };
        case 'SUCCEEDED':
        case 'PENDING':
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
          return { decision: 'send', attempt: await this.retake(tx, existing, id) };
        }
      }
    });
  }

  /** The attempt's next try, made by this caller. */
  private retake(tx: DatabaseTransactionConnection, existing: AttemptRow, id: AttemptIdentity): Promise<AttemptRow> {
    return reclaimAttempt(tx, existing.external_call_id, { causationId: id.causationId, requestHash: id.requestHash, requestSnapshot: id.requestSnapshot, leaseMs: id.leaseMs });
  }

  /**
   * Stores the outcome of the try this worker claimed, its evidence and the caller's writes in ONE
   * statement (no transaction: one round trip). The evidence is kept either way; the result and
   * the writes only if the attempt is still this try's (its lease did not run out while someone
   * else moved it on): `applied` says which. With `inTransaction`, the statement runs in a
   * transaction and, when it applied, so does `inTransaction` (e.g. a reconciliation case opened).
   */
  async record<R>(t: TryRecord, inTransaction?: (tx: DatabaseTransactionConnection) => Promise<R>): Promise<{ applied: boolean; extra: R | undefined }> {
    const statement = sql.type(applied)`
      with evidence as (${evidenceInsert(t.evidenceId, { ...t.evidence, externalCallId: t.attempt.external_call_id, attemptNo: t.attempt.attempt_no })}),
      ${sql.identifier([RECORDED])} as (${resultUpdate({ externalCallId: t.attempt.external_call_id, attemptNo: t.attempt.attempt_no }, t.result, t.request)})
      ${writesGlue(t.writes)}
      select exists (select 1 from ${sql.identifier([RECORDED])}) as applied`;
    if (!inTransaction) return { applied: (await this.pool.one(statement)).applied, extra: undefined };
    return this.pool.transaction(async (tx) => {
      const { applied: done } = await tx.one(statement);
      return { applied: done, extra: done ? await inTransaction(tx) : undefined };
    });
  }

  /** Stores writes gated on RECORDED for an attempt whose state this transaction already set (e.g. marked ambiguous). */
  async storeWrites(tx: DatabaseTransactionConnection, externalCallId: string, writes: readonly Write[]): Promise<void> {
    if (writes.length === 0) return;
    await tx.query(sql.unsafe`
      with ${sql.identifier([RECORDED])} as (select ${externalCallId}::uuid as external_call_id)
      ${writesGlue(writes)}
      select 1`);
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
    const repaired = await repairAmbiguousAttempt(tx, externalCallId, found);
    await this.evidenceOfReview(tx, externalCallId, found.status, evidence);
    return repaired;
  }

  /** Reconciliation found no trace of an AMBIGUOUS attempt: the next run sends it again, same key. */
  async markSafeToRetry(tx: DatabaseTransactionConnection, externalCallId: string, evidence: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown }): Promise<boolean> {
    const marked = await markAttemptSafeToRetry(tx, externalCallId, `reconciled: not executed, safe to send again (${evidence.detail})`);
    await this.evidenceOfReview(tx, externalCallId, 'SAFE_TO_RETRY', evidence);
    return marked;
  }

  private async evidenceOfReview(tx: DatabaseTransactionConnection, externalCallId: string, outcome: string, e: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown }): Promise<void> {
    const attemptNo = await attemptNoOf(tx, externalCallId);
    await insertEvidence(tx, { externalCallId, attemptNo, kind: e.kind, outcome, detail: e.detail, responseSnapshot: e.observed });
  }

  /** Marks an attempt AMBIGUOUS (from STARTED, e.g. abandoned by a dead worker) inside tx. */
  async markAmbiguous(tx: DatabaseTransactionConnection, externalCallId: string, reason: string): Promise<void> {
    await markAttemptAmbiguous(tx, externalCallId, reason);
  }

  async insertEvidence(tx: DatabaseTransactionConnection | DatabasePool, e: EvidenceRecord): Promise<string> {
    return insertEvidence(tx, e);
  }

  /** Evidence of a request the ledger refused to send (e.g. a different request under a used key). */
  async recordRefusal(e: EvidenceRecord): Promise<string> {
    return insertEvidence(this.pool, e);
  }

  /** Evidence of the try that produced the attempt's current state (what a replay points to). */
  async latestEvidenceId(externalCallId: string, db: DatabaseTransactionConnection | DatabasePool = this.pool): Promise<string | undefined> {
    return latestEvidenceId(db, externalCallId);
  }

  async transaction<T>(fn: (tx: DatabaseTransactionConnection) => Promise<T>): Promise<T> {
    return this.pool.transaction(fn);
  }
}

/** The caller's writes as further CTEs (`, task as (...), ...`) of a statement that defines RECORDED. */
const writesGlue = (writes: readonly Write[]): FragmentSqlToken =>
  writes.length === 0 ? sql.fragment`` : sql.fragment`, ${sql.join(writes.map((w) => sql.fragment`${sql.identifier([w.name])} as (${w.sql})`), sql.fragment`, `)}`;

/** A fresh evidence id (chosen before the statement, so the outcome that names it can be built first). */
export const newEvidenceId = (): string => randomUUID();

/** Both tries made for jobs, and not the same job (a job keeps its key through retries, timeouts and incidents). */
const isAnotherJob = (triedBy: string, asking: string): boolean => triedBy.startsWith(JOB_CAUSATION_PREFIX) && asking.startsWith(JOB_CAUSATION_PREFIX) && triedBy !== asking;
