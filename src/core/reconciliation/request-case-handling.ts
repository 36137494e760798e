// Starts the reconciliation process of a case (message ReconciliationCaseOpened, id = case id, so a
// repeated request starts nothing new). Called right after a case is opened, and by the sweep for
// cases whose start did not get through.
import type { CommonQueryMethods } from 'slonik';
import { casesWaitingForHandler, findCase, markHandlerRequested } from '../../repositories/reconciliation-case.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Clock } from '../ports/clock.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import { MESSAGES } from '../domain/bpmn-errors.ts';
import type { SweepScope } from './sweep-scope.ts';

const START_TTL_MS = 10 * 60_000;

export async function requestCaseHandling(db: CommonQueryMethods, messages: MessagePublisher, caseId: string, recheckDelay: string, clock: Clock = systemClock): Promise<boolean> {
  const c = await findCase(db, caseId);
  // Conflicts are decided on the order's own review task; only unknown outcomes are reconciled.
  if (!c || c.status !== 'OPEN' || c.mismatch_type !== 'AMBIGUOUS_OUTCOME') return false;
  await messages.publish({
    name: MESSAGES.reconciliationCaseOpened,
    correlationKey: caseId,
    messageId: caseId,
    variables: { caseId, orderId: c.order_id, systemCode: c.system_code, mismatchType: c.mismatch_type, reconciliationRecheckDelay: recheckDelay },
    timeToLiveMs: START_TTL_MS,
  });
  await markHandlerRequested(db, caseId, clock.now());
  return true;
}

/**
 * Open cases of the sweep's own deployment (see sweep-scope.ts) with no reconciliation process yet
 * (none linked, and no start requested lately).
 */
export async function casesWaitingForHandling(db: CommonQueryMethods, scope: SweepScope & { readonly kind: 'production' | 'copy' }, limit = 50, clock: Clock = systemClock): Promise<readonly string[]> {
  // production's sweep also takes the cases opened before cases named their process
  return casesWaitingForHandler(db, { fulfillmentProcessId: scope.fulfillmentProcessId, includeUnscoped: scope.kind === 'production', limit, now: clock.now() });
}
