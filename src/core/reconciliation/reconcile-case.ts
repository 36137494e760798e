// The reconciler's check of one case: ask the external system what it holds under our key, then —
// only where the repair policy allows — record what it did (repair) or let the job send again
// (safe to retry). Unknown answers are asked again later, up to a cap; anything else goes to a
// person. Every observation lands in the case history.
import { findAttempt, type AttemptRow } from '../../repositories/external-call-attempt.ts';
import type { FarmServices } from '../services.ts';
import { loadOrder } from '../use-cases/orders.ts';
import { handleProvisioningResult } from '../use-cases/provisioning-result.ts';
import { AttemptLedger } from '../../integration/ledger/attempt-ledger.ts';
import { RECONCILER, appendCaseEvent, loadCase, setCaseStatus, type CaseRow } from './cases.ts';
import { linkHandlerProcess, setCheckCount } from '../../repositories/reconciliation-case.ts';
import { observeExternalState, type Observation } from './external-state.ts';
import { recordRepair } from './record-repair.ts';
import { repairRule, type RepairRule } from './repair-policy.ts';

export type CheckOutcome = 'REPAIRED' | 'SAFE_TO_RETRY' | 'UNKNOWN' | 'MANUAL_REVIEW';

export interface CheckResult {
  readonly reconciliationOutcome: CheckOutcome;
  readonly reconciliationChecks: number;
  readonly expectedSummary: string;
  readonly observedSummary: string;
}

export async function checkCase(s: FarmServices, caseId: string, handlerProcessInstanceKey: string): Promise<CheckResult> {
  const c = await loadCase(s.db, caseId);
  await linkHandlerProcess(s.db, caseId, handlerProcessInstanceKey);
  const expectedSummary = summarizeExpected(c);
  // A case decided meanwhile (e.g. by an operator) is reported as it stands.
  if (c.status !== 'OPEN') return { reconciliationOutcome: outcomeOfClosed(c), reconciliationChecks: c.check_count, expectedSummary, observedSummary: c.resolution ?? c.status };
  if (!c.external_call_id) return escalate(s, c, expectedSummary, 'the case has no attempt to check');

  const attempt = await findAttempt(s.db, c.external_call_id);
  if (!attempt) throw new Error(`reconciliation case ${caseId} names attempt ${c.external_call_id}, which does not exist`);
  const rule = repairRule(attempt.system_code, attempt.operation_code);
  const order = c.order_id ? (await loadOrder(s.db, c.order_id).catch(() => undefined))?.snapshot : undefined;

  if (attempt.status !== 'AMBIGUOUS') {
    // someone already settled the attempt (e.g. a late answer was recorded): nothing to repair
    await close(s, c, 'RESOLVED', `attempt already ${attempt.status}`);
    return { reconciliationOutcome: 'REPAIRED', reconciliationChecks: c.check_count, expectedSummary, observedSummary: `attempt already ${attempt.status}` };
  }
  if (rule.repeatable) return safeToRetry(s, c, attempt.external_call_id, expectedSummary, `${rule.why}: sent again without asking first`, undefined);

  const observation = await observeExternalState(s.portsFor(attempt.tenant_id), { system: attempt.system_code, operation: attempt.operation_code, idempotencyKey: attempt.idempotency_key, businessObjectId: attempt.business_object_id }, order);
  const checks = c.check_count + 1;
  await setCheckCount(s.db, caseId, checks);
  await appendCaseEvent(s.db, caseId, { action: 'OBSERVED', actor: RECONCILER, observedState: { kind: observation.kind, summary: observation.summary }, note: `check ${checks} of ${s.config.RECONCILIATION_MAX_CHECKS}` });

  switch (observation.kind) {
    case 'executed':
      if (!rule.recordObservedSuccess) return escalate(s, { ...c, check_count: checks }, expectedSummary, `${observation.summary}; the policy does not let the reconciler record it (${rule.why})`);
      return repaired(s, { ...c, check_count: checks }, attempt, observation, expectedSummary, rule.why);
    case 'not-executed': {
      if (!rule.resendWhenAbsent) return escalate(s, { ...c, check_count: checks }, expectedSummary, `${observation.summary}; the policy does not let the reconciler send it again (${rule.why})`);
      const unsettledMs = absenceSettlesInMs(s, c, rule);
      // never escalated for this: the answer is only early, and a later check settles it
      if (unsettledMs > 0) {
        return { reconciliationOutcome: 'UNKNOWN', reconciliationChecks: checks, expectedSummary, observedSummary: `${observation.summary} yet; ${attempt.system_code} does not deduplicate and a request that went unanswered may still be carried out, so absence counts ${Math.ceil(unsettledMs / 1000)} s from now` };
      }
      return safeToRetry(s, { ...c, check_count: checks }, attempt.external_call_id, expectedSummary, `${observation.summary}; ${rule.why}`, observation);
    }
    case 'executed-differently':
      return escalate(s, { ...c, check_count: checks }, expectedSummary, observation.summary);
    case 'unknown':
      if (checks >= s.config.RECONCILIATION_MAX_CHECKS) return escalate(s, { ...c, check_count: checks }, expectedSummary, `still unknown after ${checks} checks: ${observation.summary}`);
      return { reconciliationOutcome: 'UNKNOWN', reconciliationChecks: checks, expectedSummary, observedSummary: observation.summary };
  }
}

/** How long "absent" still proves nothing for this case (0: it proves the request was never carried out). */
function absenceSettlesInMs(s: FarmServices, c: CaseRow, rule: RepairRule): number {
  if (rule.deduplicatesByKey) return 0;
  return Math.max(0, c.detected_at + s.config.RECONCILIATION_ABSENCE_SETTLE_MS - s.clock.now().getTime());
}

async function repaired(s: FarmServices, c: CaseRow, attempt: AttemptRow, o: Extract<Observation, { kind: 'executed' }>, expectedSummary: string, why: string): Promise<CheckResult> {
  const ledger = new AttemptLedger(s.db);
  await s.db.transaction(async (tx) => {
    // the task gets what a normal answer would have written (the provider's request id above all)
    await recordRepair(
      tx,
      ledger,
      { externalCallId: attempt.external_call_id, system: attempt.system_code, operation: attempt.operation_code, businessObjectId: attempt.business_object_id, orderId: c.order_id, caseId: c.reconciliation_case_id },
      o,
      { kind: 'RECONCILIATION', detail: o.summary, observed: o.value },
    );
    await setCaseStatus(tx, c.reconciliation_case_id, 'RESOLVED', { resolution: 'REPAIRED: external system had executed the request', observedState: { executed: true, summary: o.summary } });
    await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'REPAIRED', actor: RECONCILER, observedState: o.value, note: `recorded what the external system did (${why})` });
  });
  // A provider that already finished the request will not call back for it again.
  const state = o.value as { providerRequestId?: string; status?: string };
  if (c.system_code === 'PROVISIONING' && state.providerRequestId && (state.status === 'SUCCEEDED' || state.status === 'FAILED')) {
    await handleProvisioningResult(s.db, s.messages, { providerRequestId: state.providerRequestId, status: state.status, channel: 'POLL', rawSnapshot: o.value });
  }
  return { reconciliationOutcome: 'REPAIRED', reconciliationChecks: c.check_count, expectedSummary, observedSummary: o.summary };
}

async function safeToRetry(s: FarmServices, c: CaseRow, externalCallId: string, expectedSummary: string, detail: string, o: Observation | undefined): Promise<CheckResult> {
  const ledger = new AttemptLedger(s.db);
  await s.db.transaction(async (tx) => {
    await ledger.markSafeToRetry(tx, externalCallId, { kind: 'RECONCILIATION', detail, observed: o });
    await setCaseStatus(tx, c.reconciliation_case_id, 'RESOLVED', { resolution: 'SAFE_TO_RETRY: not executed by the external system', observedState: { executed: false, summary: detail } });
    await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'MARKED_SAFE_TO_RETRY', actor: RECONCILER, note: detail });
  });
  return { reconciliationOutcome: 'SAFE_TO_RETRY', reconciliationChecks: c.check_count, expectedSummary, observedSummary: detail };
}

async function escalate(s: FarmServices, c: CaseRow, expectedSummary: string, why: string): Promise<CheckResult> {
  await s.db.transaction(async (tx) => {
    await setCaseStatus(tx, c.reconciliation_case_id, 'MANUAL_REVIEW', { observedState: { summary: why } });
    await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'ESCALATED', actor: RECONCILER, note: why });
  });
  return { reconciliationOutcome: 'MANUAL_REVIEW', reconciliationChecks: c.check_count, expectedSummary, observedSummary: why };
}

async function close(s: FarmServices, c: CaseRow, status: 'RESOLVED' | 'CLOSED', why: string): Promise<void> {
  await setCaseStatus(s.db, c.reconciliation_case_id, status, { resolution: why });
  await appendCaseEvent(s.db, c.reconciliation_case_id, { action: 'CLOSED', actor: RECONCILER, note: why });
}

function outcomeOfClosed(c: CaseRow): CheckOutcome {
  if (c.status === 'MANUAL_REVIEW') return 'MANUAL_REVIEW';
  return c.resolution?.startsWith('SAFE_TO_RETRY') ? 'SAFE_TO_RETRY' : 'REPAIRED';
}

function summarizeExpected(c: CaseRow): string {
  const e = c.expected_state as { operation?: string; idempotencyKey?: string } | null;
  return `${c.system_code} ${e?.operation ?? ''} for ${c.business_object_type} ${c.business_object_id} under idempotency key ${e?.idempotencyKey ?? '?'}`;
}
