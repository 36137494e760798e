// Starts the reconciliation process of a case (message ReconciliationCaseOpened, id = case id, so a
// repeated request starts nothing new). Called right after a case is opened, and by the sweep for
// cases whose start did not get through.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import { MESSAGES } from '../domain/bpmn-errors.ts';
import type { SweepScope } from './sweep-scope.ts';

const START_TTL_MS = 10 * 60_000;

export async function requestCaseHandling(db: CommonQueryMethods, messages: MessagePublisher, caseId: string, recheckDelay: string): Promise<boolean> {
  const c = await db.maybeOne(sql.type(z.object({ order_id: z.string().nullable(), system_code: z.string(), mismatch_type: z.string(), status: z.string() }))`
    select order_id, system_code, mismatch_type, status from reconciliation_case where reconciliation_case_id = ${caseId}`);
  // Conflicts are decided on the order's own review task; only unknown outcomes are reconciled.
  if (!c || c.status !== 'OPEN' || c.mismatch_type !== 'AMBIGUOUS_OUTCOME') return false;
  await messages.publish({
    name: MESSAGES.reconciliationCaseOpened,
    correlationKey: caseId,
    messageId: caseId,
    variables: { caseId, orderId: c.order_id, systemCode: c.system_code, mismatchType: c.mismatch_type, reconciliationRecheckDelay: recheckDelay },
    timeToLiveMs: START_TTL_MS,
  });
  await db.query(sql.unsafe`update reconciliation_case set handler_requested_at = now() where reconciliation_case_id = ${caseId}`);
  return true;
}

/**
 * Open cases of the sweep's own deployment (see sweep-scope.ts) with no reconciliation process yet
 * (none linked, and no start requested lately).
 */
export async function casesWaitingForHandling(db: CommonQueryMethods, scope: SweepScope & { readonly kind: 'production' | 'copy' }, limit = 50): Promise<readonly string[]> {
  const ownCases =
    scope.kind === 'production'
      ? sql.fragment`(bpmn_process_id = ${scope.fulfillmentProcessId} or bpmn_process_id is null)`
      : sql.fragment`bpmn_process_id = ${scope.fulfillmentProcessId}`;
  return db.anyFirst(sql.type(z.object({ reconciliation_case_id: z.string() }))`
    select reconciliation_case_id from reconciliation_case
    where status = 'OPEN' and mismatch_type = 'AMBIGUOUS_OUTCOME' and handler_process_instance_key is null
      and (handler_requested_at is null or handler_requested_at < now() - interval '2 minutes')
      and ${ownCases}
    order by detected_at limit ${limit}`);
}
