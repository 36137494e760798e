// The outcome-mapping table of the design, written once: what the engine must hear for each
// outcome of an external call. Services supply only what differs per use case (the variables of a
// success, the BPMN error code of a rejection).
import type { EngineAction } from '../core/ports/engine-action.ts';
import type { CallOutcome } from './external-call.ts';
import { RETRY_POLICY } from '../core/ports/failure-category.ts';

export interface OutcomePolicy<T> {
  /** e.g. "BILLING activate-subscription for order ord-42": starts every message */
  readonly subject: string;
  readonly onSuccess: (value: T, outcome: Extract<CallOutcome<T>, { kind: 'succeeded' | 'accepted' }>) => Readonly<Record<string, unknown>>;
  /** BPMN error for a business/validation rejection; absent: the rejection becomes an incident */
  readonly rejectionErrorCode?: string | undefined;
  /** BPMN error for a conflicting request under our key; absent: an incident */
  readonly conflictErrorCode?: string | undefined;
}

export interface JobRetryState {
  readonly retries: number;
}

export const BACKOFF = { baseMs: 2_000, maxMs: 60_000, inProgressMs: 3_000 } as const;

/** Exponential backoff by try number, capped; the external system's Retry-After wins. */
export function backoffFor(attemptNo: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, attemptNo - 1));
}

export function toEngineAction<T>(outcome: CallOutcome<T>, policy: OutcomePolicy<T>, job: JobRetryState): EngineAction {
  switch (outcome.kind) {
    case 'succeeded':
    case 'accepted':
      return { kind: 'complete', variables: policy.onSuccess(outcome.value, outcome) };

    case 'rejected': {
      const message = `${policy.subject} rejected (${outcome.category}): ${outcome.reasonCode} ${outcome.reasonMessage}. Evidence ${outcome.evidenceId}.`;
      if (policy.rejectionErrorCode) {
        return { kind: 'bpmn-error', errorCode: policy.rejectionErrorCode, message, variables: { falloutReason: `${outcome.reasonCode}: ${outcome.reasonMessage}`, evidenceId: outcome.evidenceId } };
      }
      return { kind: 'fail', retries: 0, backoffMs: 0, message: `[${outcome.category}] ${message} Next: ${RETRY_POLICY[outcome.category].operatorAction}, then retry the job or cancel the instance in Operate.` };
    }

    case 'conflict': {
      const where = outcome.source === 'ledger' ? 'the attempt ledger holds a different request under this idempotency key' : 'the external system holds a different request';
      const caseRef = outcome.reconciliationCaseId ? ` Reconciliation case ${outcome.reconciliationCaseId}.` : '';
      const message = `${policy.subject}: conflict, ${where}: ${outcome.detail}. Evidence ${outcome.evidenceId}.${caseRef}`;
      if (policy.conflictErrorCode) {
        return { kind: 'bpmn-error', errorCode: policy.conflictErrorCode, message, variables: { falloutReason: outcome.detail, evidenceId: outcome.evidenceId } };
      }
      return { kind: 'fail', retries: 0, backoffMs: 0, message: `[CONFLICT] ${message} Next: ${RETRY_POLICY.CONFLICT.operatorAction}, then retry the job or cancel the instance in Operate.` };
    }

    case 'failed': {
      const next = RETRY_POLICY[outcome.category].operatorAction;
      const refs = `Evidence ${outcome.evidenceId} (attempt ${outcome.externalCallId}, try ${outcome.attemptNo}).`;
      if (outcome.retryable) {
        const retries = Math.max(0, job.retries - 1);
        const tail = retries > 0 ? `Retrying (${retries} left).` : `No retries left. Next: ${next}, then retry the job in Operate.`;
        return { kind: 'fail', retries, backoffMs: backoffFor(outcome.attemptNo, outcome.retryAfterMs), message: `[${outcome.category}] ${policy.subject} failed: ${outcome.message}. ${refs} ${tail}` };
      }
      return { kind: 'fail', retries: 0, backoffMs: 0, message: `[${outcome.category}] ${policy.subject} failed permanently: ${outcome.message}. ${refs} Next: ${next}, then retry the job in Operate.` };
    }

    case 'in-progress':
      // Not a failure of this try: keep the retries, look again shortly.
      return { kind: 'fail', retries: Math.max(1, job.retries), backoffMs: BACKOFF.inProgressMs, message: `${policy.subject}: ${outcome.message}; checking again shortly` };

    case 'ambiguous':
      return {
        kind: 'fail',
        retries: 0,
        backoffMs: 0,
        message:
          `[AMBIGUOUS_OUTCOME] ${policy.subject}: ${outcome.message}. Reconciliation case ${outcome.reconciliationCaseId} is open; ` +
          `the reconciler asks the external system by idempotency key and resolves this incident. Do not retry by hand before the case is decided. Evidence ${outcome.evidenceId}.`,
      };
  }
}
