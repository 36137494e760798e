// One external side effect, made at most once per idempotency key: the ledger decides whether to
// send (seed 000 §27: idempotency before the side effect, durable attempt, explicit mapping, error
// classification, evidence id returned); the adapter sends; the result, its evidence and the
// caller's domain state change are stored in one transaction.
import type { DatabaseTransactionConnection } from 'slonik';
import type { z } from 'zod';
import { contextLog, unboundFields } from '../platform/log-context.ts';
import type { Logger } from '../platform/logger.ts';
import { metrics as processMetrics, type Metrics } from '../platform/metrics.ts';
import type { ExternalResult, ExternalSystem } from '../core/ports/external-result.ts';
import type { FailureCategory } from '../core/ports/failure-category.ts';
import { AttemptLedger, newEvidenceId, type AttemptRow, type AttemptResultRecord, type Write } from './ledger/attempt-ledger.ts';
import { redact } from '../platform/redaction.ts';
import { requestHash } from './request-hash.ts';

export interface ExternalCallSpec<T> {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly businessObject: { readonly type: string; readonly id: string };
  readonly idempotencyKey: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** the internal command: hashed to tell "same request" from "different request under the same key" */
  readonly request: unknown;
  /** decodes a stored result on replay */
  readonly resultSchema: z.ZodType<T>;
  readonly send: () => Promise<ExternalResult<T>>;
  readonly leaseMs: number;
  /** for reconciliation cases: which order / job / instance this belongs to */
  readonly context?: { readonly orderId?: string; readonly jobKey?: string; readonly processInstanceKey?: string; readonly bpmnProcessId?: string };
  /**
   * The attempt a job's first statement already claimed for this call (a new key, request not
   * known then): sent at once, no claim of its own. Undefined: the call claims the key itself.
   */
  readonly claimed?: AttemptRow | undefined;
}

interface Refs {
  readonly externalCallId: string;
  readonly evidenceId: string;
  readonly attemptNo: number;
  readonly replayed: boolean;
}

export type CallOutcome<T> =
  | ({ readonly kind: 'succeeded'; readonly value: T; readonly externalRequestId?: string | undefined; readonly externalReferenceId?: string | undefined } & Refs)
  | ({ readonly kind: 'accepted'; readonly value: T; readonly externalRequestId: string } & Refs)
  | ({ readonly kind: 'rejected'; readonly category: 'VALIDATION_REJECTED' | 'BUSINESS_REJECTED'; readonly reasonCode: string; readonly reasonMessage: string } & Refs)
  /** same key, different request: ours (source ledger) or at the external system (source external) */
  | ({ readonly kind: 'conflict'; readonly source: 'ledger' | 'external'; readonly detail: string; readonly reconciliationCaseId?: string | undefined } & Refs)
  | ({ readonly kind: 'failed'; readonly category: FailureCategory; readonly retryable: boolean; readonly retryAfterMs?: number | undefined; readonly message: string } & Refs)
  /** another worker is making this very call right now */
  | { readonly kind: 'in-progress'; readonly externalCallId: string; readonly attemptNo: number; readonly message: string }
  | ({ readonly kind: 'ambiguous'; readonly message: string; readonly reconciliationCaseId: string } & Refs);

/**
 * What the caller stores with an outcome, in the statement that stores the attempt's result: CTEs
 * gated on RECORDED (attempt-ledger.ts), e.g. the fulfillment task's state, outbox rows. A pure
 * function of the outcome (for an ambiguous one, the case id is not known yet when it runs).
 */
export type Writes<T> = (outcome: CallOutcome<T>) => readonly Write[];

/** What went wrong in a way the core must follow up (seed 000 §23: a reconciliation case). */
export type Trouble =
  | { readonly kind: 'ambiguous'; readonly externalCallId: string; readonly reason: string }
  /** the external system holds a different request under our key */
  | { readonly kind: 'external-conflict'; readonly externalCallId: string; readonly detail: string; readonly externalReferenceId?: string | undefined };

/** The core's answer to a trouble, in the transaction that stores it: the id of the reconciliation case it opened (or found open). */
export type TroubleHandler = (tx: DatabaseTransactionConnection, trouble: Trouble, call: ExternalCallSpec<unknown>) => Promise<string>;

export interface ExternalCallsOptions {
  /** the core's handling of troubles (src/core/use-cases/external-step.ts: openTroubleCase) */
  readonly troubles: TroubleHandler;
  /** used when not called on a job's behalf (a job's calls log through the job's logger) */
  readonly log?: Logger;
  readonly metrics?: Metrics;
}

/** What one run measured, for its log line and metrics. */
interface Trace {
  latencyMs?: number;
}

/** Ledger statuses as the metrics and logs name outcomes (IN_PROGRESS: another worker is calling). */
const STATUS_OF: Readonly<Record<CallOutcome<unknown>['kind'], string>> = {
  succeeded: 'SUCCEEDED',
  accepted: 'PENDING',
  rejected: 'REJECTED',
  conflict: 'CONFLICT',
  failed: 'FAILED',
  'in-progress': 'IN_PROGRESS',
  ambiguous: 'AMBIGUOUS',
};

export class ExternalCalls {
  private readonly ledger: AttemptLedger;
  private readonly log: Logger | undefined;
  private readonly metrics: Metrics;
  private readonly troubles: TroubleHandler;

  constructor(ledger: AttemptLedger, opts: ExternalCallsOptions) {
    this.ledger = ledger;
    this.log = opts.log;
    this.metrics = opts.metrics ?? processMetrics;
    this.troubles = opts.troubles;
  }

  async run<T>(spec: ExternalCallSpec<T>, writes?: Writes<T>): Promise<CallOutcome<T>> {
    const trace: Trace = {};
    const outcome = await this.decide(spec, trace, writes ?? none);
    this.observe(spec, outcome, trace);
    return outcome;
  }

  /** Seed 000 §24: one structured line and the external_call_* series per call. */
  private observe<T>(spec: ExternalCallSpec<T>, outcome: CallOutcome<T>, trace: Trace): void {
    const status = STATUS_OF[outcome.kind];
    const replayed = 'replayed' in outcome && outcome.replayed;
    this.metrics.externalCall.inc({ system: spec.system, operation: spec.operation, status, replayed: String(replayed) });
    if (outcome.kind === 'ambiguous' && !replayed) this.metrics.externalCallAmbiguous.inc({ system: spec.system, operation: spec.operation });
    const log = contextLog(this.log);
    if (!log) return;
    const fields = unboundFields(log, {
      tenantId: spec.tenantId,
      systemCode: spec.system,
      operationCode: spec.operation,
      businessObjectType: spec.businessObject.type,
      businessObjectId: spec.businessObject.id,
      idempotencyKey: spec.idempotencyKey,
      externalRequestId: outcome.kind === 'succeeded' || outcome.kind === 'accepted' ? outcome.externalRequestId : undefined,
      status,
      replayed,
      latencyMs: trace.latencyMs,
      attemptNo: outcome.attemptNo,
      failureCategory: outcome.kind === 'failed' ? outcome.category : undefined,
      reason: outcome.kind === 'failed' || outcome.kind === 'ambiguous' ? outcome.message : outcome.kind === 'conflict' ? outcome.detail : undefined,
      reconciliationCaseId: outcome.kind === 'ambiguous' || outcome.kind === 'conflict' ? outcome.reconciliationCaseId : undefined,
      correlationId: spec.correlationId,
      evidenceId: 'evidenceId' in outcome ? outcome.evidenceId : undefined,
    });
    const troubled = outcome.kind === 'failed' || outcome.kind === 'ambiguous' || outcome.kind === 'conflict';
    // one line per job at info would be the bulk of the farm's log: routine outcomes are debug
    if (troubled) log.warn(fields, 'external_call_completed');
    else log.debug(fields, 'external_call_completed');
  }

  private async decide<T>(spec: ExternalCallSpec<T>, trace: Trace, writes: Writes<T>): Promise<CallOutcome<T>> {
    const snapshot = redact(spec.request);
    const hash = requestHash(spec.request);
    if (spec.claimed) return this.send(spec, spec.claimed, { hash, snapshot }, trace, writes);
    const claim = await this.ledger.claim({
      tenantId: spec.tenantId,
      system: spec.system,
      operation: spec.operation,
      businessObjectType: spec.businessObject.type,
      businessObjectId: spec.businessObject.id,
      idempotencyKey: spec.idempotencyKey,
      correlationId: spec.correlationId,
      causationId: spec.causationId,
      requestHash: hash,
      requestSnapshot: snapshot,
      leaseMs: spec.leaseMs,
    });
    switch (claim.decision) {
      case 'send':
        if (claim.attempt.attempt_no > 1) {
          // the row still names why the previous try failed
          this.metrics.externalCallRetry.inc({ system: spec.system, operation: spec.operation, failure_category: claim.attempt.failure_category ?? 'UNKNOWN' });
        }
        return this.send(spec, claim.attempt, { hash, snapshot }, trace, writes);
      case 'replay':
        return this.replay(spec, claim.attempt);
      case 'in-progress':
        return {
          kind: 'in-progress',
          externalCallId: claim.attempt.external_call_id,
          attemptNo: claim.attempt.attempt_no,
          message: `${spec.system} ${spec.operation} for ${spec.idempotencyKey} is being sent by another worker (attempt ${claim.attempt.attempt_no})`,
        };
      case 'conflict': {
        const evidenceId = await this.ledger.recordRefusal({
          externalCallId: claim.attempt.external_call_id,
          attemptNo: claim.attempt.attempt_no,
          kind: 'REFUSED',
          outcome: 'CONFLICT',
          detail: `a different request was presented under idempotency key ${spec.idempotencyKey}`,
          requestSnapshot: snapshot,
          jobKey: spec.context?.jobKey,
        });
        return {
          kind: 'conflict',
          source: 'ledger',
          detail: `idempotency key ${spec.idempotencyKey} was already used for a different ${spec.operation} request (attempt ${claim.attempt.external_call_id}); not sent`,
          externalCallId: claim.attempt.external_call_id,
          evidenceId,
          attemptNo: claim.attempt.attempt_no,
          replayed: false,
        };
      }
      case 'ambiguous':
        return this.ambiguous(spec, claim.attempt, claim.abandoned, writes, claim.reason);
    }
  }

  private async send<T>(spec: ExternalCallSpec<T>, attempt: AttemptRow, request: { hash: string; snapshot: unknown }, trace: Trace, writes: Writes<T>): Promise<CallOutcome<T>> {
    let result: ExternalResult<T>;
    const started = performance.now();
    try {
      result = await spec.send();
    } catch (err) {
      // Adapters do not throw; if one does, we cannot know whether the request left: reconcile.
      result = { kind: 'ambiguous', message: `adapter error: ${(err as Error).message}`, exchange: {} };
    }
    trace.latencyMs = Math.round(performance.now() - started);
    this.metrics.externalCallLatency.observe({ system: spec.system, operation: spec.operation }, trace.latencyMs);
    if (result.kind === 'duplicate' && result.matchesOurRequest && result.value === undefined) {
      result = { kind: 'ambiguous', message: `the external system reports our request as a duplicate without its result: ${result.detail}`, exchange: result.exchange };
    }
    const rec = toRecord(result);
    const evidenceId = newEvidenceId();
    const refs: Refs = { externalCallId: attempt.external_call_id, evidenceId, attemptNo: attempt.attempt_no, replayed: false };
    const outcome = toOutcome(result, refs, undefined);
    const stored = {
      attempt,
      evidenceId,
      result: rec,
      evidence: {
        kind: 'CALL' as const,
        outcome: rec.status,
        failureCategory: rec.failureCategory,
        detail: rec.failureReason,
        requestSnapshot: result.exchange.request,
        responseSnapshot: result.exchange.response,
        httpStatus: result.exchange.httpStatus,
        latencyMs: result.exchange.latencyMs,
        jobKey: spec.context?.jobKey,
      },
      request,
      writes: writes(outcome),
    };
    const trouble = troubleOf(result, attempt.external_call_id);
    if (!trouble) {
      // the success path: evidence, result and the caller's writes in one statement
      if ((await this.ledger.record(stored)).applied) return outcome;
    } else {
      const { applied, extra: caseId } = await this.ledger.record(stored, (tx) => this.troubles(tx, trouble, spec as ExternalCallSpec<unknown>));
      if (applied) return toOutcome(result, refs, caseId);
    }
    // Our lease ran out while we were calling and another worker moved the attempt on; the
    // evidence of this try is stored, the attempt's current state is what counts.
    return this.decide({ ...spec, claimed: undefined }, trace, writes);
  }

  private async replay<T>(spec: ExternalCallSpec<T>, attempt: AttemptRow): Promise<CallOutcome<T>> {
    const evidenceId = (await this.ledger.latestEvidenceId(attempt.external_call_id)) ?? attempt.external_call_id;
    const refs: Refs = { externalCallId: attempt.external_call_id, evidenceId, attemptNo: attempt.attempt_no, replayed: true };
    const stored = attempt.result as { value?: unknown; reasonCode?: string; reasonMessage?: string; detail?: string } | null;
    switch (attempt.status) {
      case 'SUCCEEDED':
      case 'PENDING': {
        const parsed = spec.resultSchema.safeParse(stored?.value);
        if (!parsed.success) {
          return { kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, message: `stored result of attempt ${attempt.external_call_id} no longer matches the result schema`, ...refs };
        }
        return attempt.status === 'SUCCEEDED'
          ? { kind: 'succeeded', value: parsed.data, externalRequestId: attempt.external_request_id ?? undefined, externalReferenceId: attempt.external_reference_id ?? undefined, ...refs }
          : { kind: 'accepted', value: parsed.data, externalRequestId: attempt.external_request_id ?? '', ...refs };
      }
      case 'REJECTED':
        return {
          kind: 'rejected',
          category: attempt.failure_category === 'BUSINESS_REJECTED' ? 'BUSINESS_REJECTED' : 'VALIDATION_REJECTED',
          reasonCode: stored?.reasonCode ?? 'REJECTED',
          reasonMessage: stored?.reasonMessage ?? attempt.failure_reason ?? '',
          ...refs,
        };
      default:
        return { kind: 'conflict', source: 'external', detail: stored?.detail ?? attempt.failure_reason ?? 'conflicting external state', ...refs };
    }
  }

  private async ambiguous<T>(spec: ExternalCallSpec<T>, attempt: AttemptRow, abandoned: boolean, writes: Writes<T>, claimReason?: string): Promise<CallOutcome<T>> {
    const reason = claimReason ?? (abandoned
      ? `attempt ${attempt.attempt_no} was left unfinished (the worker stopped mid-call); whether the request reached ${spec.system} is unknown`
      : (attempt.failure_reason ?? 'outcome unknown'));
    return this.ledger.transaction(async (tx) => {
      if (abandoned) await this.ledger.markAmbiguous(tx, attempt.external_call_id, reason);
      const caseId = await this.troubles(tx, { kind: 'ambiguous', externalCallId: attempt.external_call_id, reason }, spec as ExternalCallSpec<unknown>);
      const evidenceId = abandoned
        ? await this.ledger.insertEvidence(tx, { externalCallId: attempt.external_call_id, attemptNo: attempt.attempt_no, kind: 'REFUSED', outcome: 'AMBIGUOUS', failureCategory: 'AMBIGUOUS_OUTCOME', detail: reason, jobKey: spec.context?.jobKey })
        : ((await this.ledger.latestEvidenceId(attempt.external_call_id, tx)) ?? attempt.external_call_id);
      const outcome: CallOutcome<T> = { kind: 'ambiguous', message: reason, reconciliationCaseId: caseId, externalCallId: attempt.external_call_id, evidenceId, attemptNo: attempt.attempt_no, replayed: !abandoned };
      // The worker that died mid-call never stored its outcome: this is its recording (e.g. the
      // fulfillment task becomes AMBIGUOUS and is linked to the attempt), as send() does for a timeout.
      if (abandoned) await this.ledger.storeWrites(tx, attempt.external_call_id, writes(outcome));
      return outcome;
    });
  }
}

const none = (): readonly Write[] => [];

/** The troubles a result reports: not knowing what happened, or the external side holding another request under our key. */
function troubleOf<T>(r: ExternalResult<T>, externalCallId: string): Trouble | undefined {
  if (r.kind === 'ambiguous') return { kind: 'ambiguous', externalCallId, reason: r.message };
  if (r.kind === 'duplicate' && !r.matchesOurRequest) return { kind: 'external-conflict', externalCallId, detail: r.detail, externalReferenceId: r.externalReferenceId };
  return undefined;
}

function toRecord<T>(r: ExternalResult<T>): AttemptResultRecord {
  switch (r.kind) {
    case 'succeeded':
      return { status: 'SUCCEEDED', result: { value: redact(r.value) }, responseSnapshot: r.exchange.response, externalRequestId: r.externalRequestId, externalReferenceId: r.externalReferenceId, requestSent: true };
    case 'accepted':
      return { status: 'PENDING', result: { value: redact(r.value) }, responseSnapshot: r.exchange.response, externalRequestId: r.externalRequestId, requestSent: true };
    case 'rejected':
      return { status: 'REJECTED', result: { reasonCode: r.reasonCode, reasonMessage: r.reasonMessage }, responseSnapshot: r.exchange.response, failureCategory: r.category, failureReason: `${r.reasonCode}: ${r.reasonMessage}`, retryable: false, requestSent: true };
    case 'duplicate':
      return r.matchesOurRequest
        ? { status: 'SUCCEEDED', result: { value: redact(r.value) }, responseSnapshot: r.exchange.response, externalReferenceId: r.externalReferenceId, requestSent: true }
        : { status: 'CONFLICT', result: { detail: r.detail }, responseSnapshot: r.exchange.response, externalReferenceId: r.externalReferenceId, failureCategory: 'CONFLICT', failureReason: r.detail, retryable: false, requestSent: true };
    case 'failed':
      return { status: 'FAILED', responseSnapshot: r.exchange.response, failureCategory: r.category, failureReason: r.message, retryable: r.retryable, requestSent: r.sent };
    case 'ambiguous':
      return { status: 'AMBIGUOUS', responseSnapshot: r.exchange.response, failureCategory: 'AMBIGUOUS_OUTCOME', failureReason: r.message, retryable: false, requestSent: true };
  }
}

function toOutcome<T>(r: ExternalResult<T>, refs: Refs, caseId: string | undefined): CallOutcome<T> {
  switch (r.kind) {
    case 'succeeded':
      return { kind: 'succeeded', value: r.value, externalRequestId: r.externalRequestId, externalReferenceId: r.externalReferenceId, ...refs };
    case 'accepted':
      return { kind: 'accepted', value: r.value, externalRequestId: r.externalRequestId, ...refs };
    case 'rejected':
      return { kind: 'rejected', category: r.category, reasonCode: r.reasonCode, reasonMessage: r.reasonMessage, ...refs };
    case 'duplicate':
      return r.matchesOurRequest && r.value !== undefined
        ? { kind: 'succeeded', value: r.value, externalReferenceId: r.externalReferenceId, ...refs }
        : { kind: 'conflict', source: 'external', detail: r.detail, reconciliationCaseId: caseId, ...refs };
    case 'failed':
      return { kind: 'failed', category: r.category, retryable: r.retryable, retryAfterMs: r.retryAfterMs, message: r.message, ...refs };
    case 'ambiguous':
      return { kind: 'ambiguous', message: r.message, reconciliationCaseId: caseId ?? '', ...refs };
  }
}
