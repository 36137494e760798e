// The outcome-mapping table of the design, row by row.
import type { CallOutcome } from './external-call.ts';
import { backoffFor, toEngineAction, type OutcomePolicy } from './outcome-mapping.ts';

const refs = { externalCallId: 'call-1', evidenceId: 'ev-1', attemptNo: 1, replayed: false };
const policy: OutcomePolicy<{ id: string }> = {
  subject: 'BILLING activate-subscription sub-1 for order o-1',
  onSuccess: (v) => ({ billingReference: v.id }),
  rejectionErrorCode: 'BILLING_REJECTED',
  conflictErrorCode: 'EXTERNAL_CONFLICT',
};
const job = { retries: 3 };
const map = (o: CallOutcome<{ id: string }>, p = policy) => toEngineAction(o, p, job);

test('succeeded and accepted complete with the output variables', () => {
  expect(map({ kind: 'succeeded', value: { id: 'B-1' }, ...refs })).toEqual({ kind: 'complete', variables: { billingReference: 'B-1' } });
  expect(map({ kind: 'accepted', value: { id: 'B-2' }, externalRequestId: 'R-2', ...refs })).toEqual({ kind: 'complete', variables: { billingReference: 'B-2' } });
});

test('a rejection throws the use case BPMN error with reason and evidence', () => {
  const a = map({ kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: 'NOT_ELIGIBLE', reasonMessage: 'account not eligible', ...refs });
  expect(a).toMatchObject({ kind: 'bpmn-error', errorCode: 'BILLING_REJECTED', variables: { evidenceId: 'ev-1', falloutReason: 'NOT_ELIGIBLE: account not eligible' } });
  expect(a.kind === 'bpmn-error' && a.message).toContain('Evidence ev-1');
});

test('without a BPMN error for rejections, a rejection is an incident at once', () => {
  const a = map({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'HTTP_400', reasonMessage: 'bad email', ...refs }, { ...policy, rejectionErrorCode: undefined });
  expect(a).toMatchObject({ kind: 'fail', retries: 0 });
});

test('a conflict is the conflict BPMN error, naming the reconciliation case', () => {
  const a = map({ kind: 'conflict', source: 'external', detail: 'already active with snapshot v1', reconciliationCaseId: 'case-9', ...refs });
  expect(a).toMatchObject({ kind: 'bpmn-error', errorCode: 'EXTERNAL_CONFLICT' });
  expect(a.kind === 'bpmn-error' && a.message).toContain('case-9');
});

test('retryable failures decrement retries with backoff; Retry-After wins', () => {
  expect(map({ kind: 'failed', category: 'SERVER_ERROR', retryable: true, message: 'HTTP 503', ...refs })).toMatchObject({ kind: 'fail', retries: 2, backoffMs: 2_000 });
  expect(map({ kind: 'failed', category: 'RATE_LIMITED', retryable: true, retryAfterMs: 7_000, message: 'HTTP 429', ...refs, attemptNo: 3 })).toMatchObject({ kind: 'fail', retries: 2, backoffMs: 7_000 });
  expect(backoffFor(3)).toBe(8_000);
  expect(backoffFor(20)).toBe(60_000);
});

test('the last retry says what to do next', () => {
  const a = toEngineAction({ kind: 'failed', category: 'SERVER_ERROR', retryable: true, message: 'HTTP 503', ...refs }, policy, { retries: 1 });
  expect(a).toMatchObject({ kind: 'fail', retries: 0 });
  expect(a.kind === 'fail' && a.message).toMatch(/No retries left\. Next: check the external system health/);
});

test('auth failure and schema mismatch raise an incident at once, naming category and evidence', () => {
  for (const category of ['AUTH_FAILED', 'SCHEMA_MISMATCH'] as const) {
    const a = map({ kind: 'failed', category, retryable: false, message: 'x', ...refs });
    expect(a).toMatchObject({ kind: 'fail', retries: 0 });
    expect(a.kind === 'fail' && a.message).toContain(`[${category}]`);
    expect(a.kind === 'fail' && a.message).toContain('Evidence ev-1');
  }
});

test('an ambiguous outcome is an incident naming the open case; no retry', () => {
  const a = map({ kind: 'ambiguous', message: 'sent, then no answer', reconciliationCaseId: 'case-1', ...refs });
  expect(a).toMatchObject({ kind: 'fail', retries: 0 });
  expect(a.kind === 'fail' && a.message).toMatch(/\[AMBIGUOUS_OUTCOME\].*Reconciliation case case-1/);
});

test('a call in flight elsewhere keeps the job retries and looks again shortly', () => {
  expect(map({ kind: 'in-progress', externalCallId: 'c', attemptNo: 1, message: 'busy' })).toMatchObject({ kind: 'fail', retries: 3, backoffMs: 3_000 });
});
