// An operator's decision on a case in manual review, applied as an application command and kept in
// the case history with the operator's name: accept what the external system holds, send again, or
// cancel the order.
import { findAttempt } from '../../repositories/external-call-attempt.ts';
import type { FarmServices } from '../services.ts';
import { MESSAGES } from '../domain/bpmn-errors.ts';
import { AttemptLedger } from '../../integration/ledger/attempt-ledger.ts';
import { appendCaseEvent, loadCase, setCaseStatus } from './cases.ts';
import { recordRepair } from './record-repair.ts';

export const DECISIONS = ['ACCEPT_EXTERNAL_STATE', 'RETRY', 'CANCEL_ORDER'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface OperatorDecision {
  readonly caseId: string;
  readonly decision: Decision;
  readonly decidedBy: string;
  readonly note?: string | undefined;
  /** for ACCEPT_EXTERNAL_STATE: the external system's reference of what it did (its id for it) */
  readonly externalReference?: string | undefined;
}

export class DecisionRefused extends Error {
  override readonly name = 'DecisionRefused';
}

/** What a normal answer would have stored, rebuilt from what the operator confirmed. */
function confirmedResult(system: string, operation: string, ref: string, at: Date): { status: 'SUCCEEDED' | 'PENDING'; value: unknown; externalRequestId?: string; externalReferenceId?: string } {
  const now = at.toISOString();
  switch (`${system}/${operation}`) {
    case 'BILLING/ACTIVATE_SUBSCRIPTION':
      return { status: 'SUCCEEDED', value: { externalBillingId: ref, activatedAt: now }, externalReferenceId: ref };
    case 'INVENTORY/RESERVE_RESOURCE':
      return { status: 'SUCCEEDED', value: { reservationId: ref, resources: [] }, externalReferenceId: ref };
    case 'INVENTORY/RELEASE_RESOURCE':
      return { status: 'SUCCEEDED', value: { reservationId: ref, released: true }, externalReferenceId: ref };
    case 'PROVISIONING/ACTIVATE_SERVICE':
    case 'PROVISIONING/DEACTIVATE_SERVICE':
      return { status: 'PENDING', value: { providerRequestId: ref, status: 'PENDING' }, externalRequestId: ref };
    case 'NOTIFICATION/SEND_ORDER_CONFIRMATION':
      return { status: 'SUCCEEDED', value: { messageId: ref }, externalReferenceId: ref };
    default:
      throw new DecisionRefused(`accepting the external state of ${system} ${operation} is not supported; choose RETRY or CANCEL_ORDER`);
  }
}

/** Applies the decision; returns whether the order's job should run again (false when cancelled). */
export async function applyDecision(s: FarmServices, d: OperatorDecision): Promise<{ resumeFulfillment: boolean; alreadyDecided: boolean }> {
  const c = await loadCase(s.db, d.caseId);
  if (c.status === 'RESOLVED' || c.status === 'CLOSED') {
    // a repeated command (e.g. the job re-run after a crash) changes nothing
    return { resumeFulfillment: c.status === 'RESOLVED', alreadyDecided: true };
  }
  const actor = `operator:${d.decidedBy}`;
  const note = [d.note, d.externalReference ? `external reference ${d.externalReference}` : undefined].filter(Boolean).join('; ') || undefined;
  const attempt = c.external_call_id
    ? await findAttempt(s.db, c.external_call_id)
    : null;
  const ledger = new AttemptLedger(s.db);

  switch (d.decision) {
    case 'ACCEPT_EXTERNAL_STATE': {
      if (!c.external_call_id || !attempt) throw new DecisionRefused('the case has no attempt whose state could be accepted');
      if (!d.externalReference) throw new DecisionRefused('ACCEPT_EXTERNAL_STATE needs the external reference of what the external system did');
      const found = confirmedResult(attempt.system_code, attempt.operation_code, d.externalReference, s.clock.now());
      await s.db.transaction(async (tx) => {
        // recorded as the reconciler's repair is: the task gets the reference the operator confirmed
        await recordRepair(
          tx,
          ledger,
          { externalCallId: c.external_call_id ?? '', system: attempt.system_code, operation: attempt.operation_code, businessObjectId: attempt.business_object_id, orderId: c.order_id, caseId: c.reconciliation_case_id },
          found,
          { kind: 'OPERATOR', detail: `${actor} accepted the external state${note ? `: ${note}` : ''}` },
        );
        await setCaseStatus(tx, c.reconciliation_case_id, 'RESOLVED', { resolution: 'ACCEPTED_EXTERNAL_STATE', decidedBy: d.decidedBy });
        await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'DECIDED', actor, note: `ACCEPT_EXTERNAL_STATE${note ? `: ${note}` : ''}` });
      });
      return { resumeFulfillment: true, alreadyDecided: false };
    }
    case 'RETRY': {
      await s.db.transaction(async (tx) => {
        if (c.external_call_id) await ledger.markSafeToRetry(tx, c.external_call_id, { kind: 'OPERATOR', detail: `${actor} decided to send again${note ? `: ${note}` : ''}` });
        await setCaseStatus(tx, c.reconciliation_case_id, 'RESOLVED', { resolution: 'RETRY', decidedBy: d.decidedBy });
        await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'DECIDED', actor, note: `RETRY${note ? `: ${note}` : ''}` });
      });
      return { resumeFulfillment: true, alreadyDecided: false };
    }
    case 'CANCEL_ORDER': {
      if (!c.order_id) throw new DecisionRefused('the case belongs to no order');
      await s.messages.publish({
        name: MESSAGES.orderCancellationRequested,
        correlationKey: c.order_id,
        messageId: `cancel:${c.order_id}:${c.reconciliation_case_id}`,
        variables: { cancellationReason: `reconciliation case ${c.reconciliation_case_id}: cancelled by ${d.decidedBy}` },
        timeToLiveMs: 10 * 60_000,
      });
      await s.db.transaction(async (tx) => {
        await setCaseStatus(tx, c.reconciliation_case_id, 'CLOSED', { resolution: 'ORDER_CANCELLED', decidedBy: d.decidedBy });
        await appendCaseEvent(tx, c.reconciliation_case_id, { action: 'DECIDED', actor, note: `CANCEL_ORDER${note ? `: ${note}` : ''}` });
      });
      return { resumeFulfillment: false, alreadyDecided: false };
    }
  }
}
